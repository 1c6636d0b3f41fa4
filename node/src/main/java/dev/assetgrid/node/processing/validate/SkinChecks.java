package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Node;
import dev.assetgrid.node.processing.validate.Model.Skin;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks skins. {@link #check()}: schema and the inverse-bind-matrices accessor (MAT4 float, at
 * least one per joint, no byteStride); publishes the holders and queues the IBM data check. {@link
 * #link()}, once the node hierarchy is known: joints share a common root, the skeleton is an
 * ancestor of every joint, and each scene that shows a skinned mesh also contains its joints.
 */
final class SkinChecks {
  private final ValidationContext ctx;
  private final Json j;

  SkinChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  // ---------------------------------------------------------------- schema

  void check() {
    List<ObjectNode> l = ctx.objects("skins");
    Skin[] skins = new Skin[l.size()];
    ctx.setSkins(skins);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Skin s = new Skin();
      skins[i] = s;
      if (o == null) {
        continue;
      }
      String p = "/skins/" + i;
      j.members(o, p, Set.of("inverseBindMatrices", "skeleton", "joints", "name"));
      s.ibm = j.index(o, p, "inverseBindMatrices", false);
      s.skeleton = j.index(o, p, "skeleton", false);
      s.joints = j.indices(o, p, "joints", true);
      if (s.ibm >= 0 && ctx.ref("accessors", s.ibm, p + "/inverseBindMatrices")) {
        Acc a = ctx.accessors()[s.ibm];
        if (a.valid()) {
          inverseBindMatrices(s, a, p + "/inverseBindMatrices");
        }
      }
      ctx.extensions().object(o, p, "skin");
    }
  }

  private void inverseBindMatrices(Skin s, Acc a, String ip) {
    if (!a.hasFormat("MAT4:5126")) {
      j.add(
          IssueCode.SKIN_IBM_INVALID_FORMAT,
          ip,
          "Invalid IBM accessor format '" + a.format() + "'. Must be one of ('{MAT4, FLOAT}').");
    } else {
      ctx.useAccessor(new DataChecks.Use(s.ibm, DataChecks.Kind.IBM, ip, 0));
    }
    if (s.joints != null && a.count < s.joints.length) {
      j.add(
          IssueCode.INVALID_IBM_ACCESSOR_COUNT,
          ip,
          "IBM accessor must have at least "
              + s.joints.length
              + " elements. Found "
              + a.count
              + ".");
    }
    View[] views = ctx.views();
    if (a.bufferView >= 0 && a.bufferView < views.length) {
      if (views[a.bufferView].byteStride > 0) {
        j.add(
            IssueCode.SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE,
            ip,
            "bufferView.byteStride must not be defined for buffer views used by inverse bind matrices accessors.");
      }
      ctx.useBufferView(a.bufferView, "Other", ip);
    }
  }

  // ---------------------------------------------------------------- links

  void link() {
    Skin[] skins = ctx.skins();
    for (int i = 0; i < skins.length; i++) {
      if (skins[i].joints != null) {
        joints(skins[i], "/skins/" + i);
      }
    }
    int[][] scenes = ctx.scenes();
    for (int[] roots : scenes) {
      if (roots != null) {
        jointsInScene(roots);
      }
    }
  }

  /**
   * The joints must resolve to nodes with one common root; the skeleton, if any, must be an
   * ancestor of all.
   */
  private void joints(Skin s, String p) {
    int common = -2;
    boolean ok = true;
    for (int k = 0; k < s.joints.length; k++) {
      int jn = s.joints[k];
      if (jn < 0 || !ctx.ref("nodes", jn, p + "/joints/" + k)) {
        ok = false;
        continue;
      }
      int r = topRoot(jn);
      if (common == -2) {
        common = r;
      } else if (common != r) {
        ok = false;
      }
    }
    if (!ok) {
      j.add(IssueCode.SKIN_NO_COMMON_ROOT, p + "/joints", "Joints do not have a common root.");
    } else if (s.skeleton >= 0 && ctx.ref("nodes", s.skeleton, p + "/skeleton")) {
      for (int jn : s.joints) {
        if (!isAncestorOrSelf(s.skeleton, jn)) {
          j.add(
              IssueCode.SKIN_SKELETON_INVALID,
              p + "/skeleton",
              "Skeleton node is not a common root.");
          break;
        }
      }
    }
    if (!ok && s.skeleton >= 0) {
      ctx.ref("nodes", s.skeleton, p + "/skeleton");
    }
  }

  /** A node with a skinned mesh must be in a scene that contains at least one of its joints. */
  private void jointsInScene(int[] roots) {
    Node[] nodes = ctx.nodes();
    Skin[] skins = ctx.skins();
    Set<Integer> inScene = new HashSet<>();
    for (int r : roots) {
      if (r >= 0) {
        collect(r, inScene);
      }
    }
    for (int n : inScene) {
      Node nd = nodes[n];
      if (nd.skin >= 0 && nd.mesh >= 0 && skins[nd.skin].joints != null) {
        boolean any = false;
        for (int jn : skins[nd.skin].joints) {
          any |= jn >= 0 && inScene.contains(jn);
        }
        if (!any) {
          j.add(
              IssueCode.NODE_SKIN_NO_SCENE,
              "/nodes/" + n,
              "A node with a skinned mesh is used in a scene that does not contain joint nodes.");
        }
      }
    }
  }

  /** The top of {@code n}'s parent chain (bounded, so a loop ends somewhere on it). */
  private int topRoot(int n) {
    Node[] nodes = ctx.nodes();
    int steps = 0;
    while (nodes[n].parent >= 0 && steps++ <= nodes.length) {
      n = nodes[n].parent;
    }
    return n;
  }

  private boolean isAncestorOrSelf(int anc, int n) {
    Node[] nodes = ctx.nodes();
    int steps = 0;
    while (n >= 0 && steps++ <= nodes.length) {
      if (n == anc) {
        return true;
      }
      n = nodes[n].parent;
    }
    return false;
  }

  /** Adds {@code n} and its descendants to {@code out}. */
  private void collect(int n, Set<Integer> out) {
    Node[] nodes = ctx.nodes();
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    stack.push(n);
    while (!stack.isEmpty()) {
      int c = stack.pop();
      if (c < 0 || c >= nodes.length || !out.add(c)) {
        continue;
      }
      if (nodes[c].children != null) {
        for (int ch : nodes[c].children) {
          stack.push(ch);
        }
      }
    }
  }
}
