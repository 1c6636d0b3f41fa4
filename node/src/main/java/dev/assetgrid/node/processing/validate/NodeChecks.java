package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Node;
import dev.assetgrid.node.processing.validate.Model.Prim;
import dev.assetgrid.node.processing.validate.Model.Skin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks nodes and scenes. {@link #check()}: node schema, matrix versus TRS, unit rotations,
 * references to cameras, meshes, skins and children (one parent each), scene roots and the default
 * scene; publishes nodes and scenes. {@link #link()}, once meshes and skins are known: node loops,
 * morph weights against the mesh's targets, skin versus skinned mesh, transforms that cannot affect
 * a skinned mesh, empty nodes; queues the joints data checks with each skin's joint count.
 */
final class NodeChecks {
  private final ValidationContext ctx;
  private final Json j;

  NodeChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  // ---------------------------------------------------------------- schema

  void check() {
    nodes();
    scenes();
  }

  private void nodes() {
    List<ObjectNode> l = ctx.objects("nodes");
    Node[] nodes = new Node[l.size()];
    for (int i = 0; i < l.size(); i++) {
      nodes[i] = new Node();
    }
    ctx.setNodes(nodes);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      if (o != null) {
        node(o, i, nodes);
      }
    }
  }

  private void node(ObjectNode o, int i, Node[] nodes) {
    String p = "/nodes/" + i;
    Node n = nodes[i];
    n.o = o;
    j.members(
        o,
        p,
        Set.of(
            "camera",
            "children",
            "skin",
            "matrix",
            "mesh",
            "rotation",
            "scale",
            "translation",
            "weights",
            "name"));
    n.camera = j.index(o, p, "camera", false);
    n.children = j.indices(o, p, "children", false);
    n.skin = j.index(o, p, "skin", false);
    n.mesh = j.index(o, p, "mesh", false);
    n.matrix = j.floats(o, p, "matrix", false, Double.NaN, Double.NaN, null, 16);
    double[] rot = j.floats(o, p, "rotation", false, -1, 1, null, 4);
    j.floats(o, p, "scale", false, Double.NaN, Double.NaN, null, 3);
    j.floats(o, p, "translation", false, Double.NaN, Double.NaN, null, 3);
    n.weights = j.floats(o, p, "weights", false, Double.NaN, Double.NaN, null);
    n.hasTrs = o.has("rotation") || o.has("scale") || o.has("translation");
    transform(o, p, n, rot);
    if (o.has("skin") && !o.has("mesh")) {
      j.add(
          IssueCode.UNSATISFIED_DEPENDENCY,
          p + "/skin",
          "Dependency failed. 'mesh' must be defined.");
    }
    if (o.has("weights") && !o.has("mesh")) {
      j.add(
          IssueCode.UNSATISFIED_DEPENDENCY,
          p + "/weights",
          "Dependency failed. 'mesh' must be defined.");
    }
    ctx.ref("cameras", n.camera, p + "/camera");
    if (n.children != null) {
      children(p, i, n, nodes);
    }
    if (!ctx.ref("skins", n.skin, p + "/skin")) {
      n.skin = n.skin >= 0 ? -1 : n.skin;
    }
    if (!ctx.ref("meshes", n.mesh, p + "/mesh")) {
      n.mesh = -1;
    }
    ctx.extensions().object(o, p, "node");
  }

  /**
   * A matrix excludes TRS, must not be the identity and must decompose to TRS; a rotation must be
   * unit.
   */
  private void transform(ObjectNode o, String p, Node n, double[] rot) {
    if (o.has("matrix")) {
      if (n.hasTrs) {
        j.add(
            IssueCode.NODE_MATRIX_TRS,
            p + "/matrix",
            "A node can have either a matrix or any combination of translation/rotation/scale (TRS) properties.");
      } else if (n.matrix != null) {
        if (isIdentity(n.matrix)) {
          j.add(
              IssueCode.NODE_MATRIX_DEFAULT,
              p + "/matrix",
              "Do not specify default transform matrix.");
        } else if (!decomposable(n.matrix)) {
          j.add(
              IssueCode.NODE_MATRIX_NON_TRS, p + "/matrix", "Matrix must be decomposable to TRS.");
        }
      }
    }
    if (rot != null) {
      double len = Math.sqrt(rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2] + rot[3] * rot[3]);
      if (Math.abs(len - 1) > 0.00769) {
        j.add(
            IssueCode.ROTATION_NON_UNIT,
            p + "/rotation",
            "Rotation quaternion must be normalized.");
      }
    }
  }

  /**
   * Sets each resolved child's parent, reporting a second parent; unresolved children become -1.
   */
  private void children(String p, int i, Node n, Node[] nodes) {
    for (int c = 0; c < n.children.length; c++) {
      int ch = n.children[c];
      if (ch >= 0 && ctx.ref("nodes", ch, p + "/children/" + c)) {
        if (nodes[ch].parent >= 0) {
          j.add(
              IssueCode.NODE_PARENT_OVERRIDE,
              p + "/children/" + c,
              "Value overrides parent of node " + ch + ".");
        } else {
          nodes[ch].parent = i;
        }
      } else if (ch >= 0) {
        n.children[c] = -1;
      }
    }
  }

  private static boolean isIdentity(double[] m) {
    for (int i = 0; i < 16; i++) {
      if (m[i] != (i % 5 == 0 ? 1 : 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A column-major matrix is TRS when its last row is (0,0,0,1) and its 3x3 part is rotation x
   * scale.
   */
  private static boolean decomposable(double[] m) {
    if (Math.abs(m[3]) > 1e-6
        || Math.abs(m[7]) > 1e-6
        || Math.abs(m[11]) > 1e-6
        || Math.abs(m[15] - 1) > 1e-6) {
      return false;
    }
    double[][] c = {{m[0], m[1], m[2]}, {m[4], m[5], m[6]}, {m[8], m[9], m[10]}};
    double[] s = new double[3];
    for (int i = 0; i < 3; i++) {
      s[i] = Math.sqrt(c[i][0] * c[i][0] + c[i][1] * c[i][1] + c[i][2] * c[i][2]);
      if (s[i] < 1e-12) {
        return false;
      }
    }
    double det =
        c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1])
            - c[1][0] * (c[0][1] * c[2][2] - c[0][2] * c[2][1])
            + c[2][0] * (c[0][1] * c[1][2] - c[0][2] * c[1][1]);
    if (det < 0) {
      s[0] = -s[0];
    }
    for (int a = 0; a < 3; a++) {
      for (int b = a + 1; b < 3; b++) {
        double dot = (c[a][0] * c[b][0] + c[a][1] * c[b][1] + c[a][2] * c[b][2]) / (s[a] * s[b]);
        if (Math.abs(dot) > 1e-3) {
          return false;
        }
      }
    }
    return true;
  }

  private void scenes() {
    List<ObjectNode> l = ctx.objects("scenes");
    int[][] scenes = new int[l.size()][];
    ctx.setScenes(scenes);
    Node[] nodes = ctx.nodes();
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      if (o == null) {
        continue;
      }
      String p = "/scenes/" + i;
      j.members(o, p, Set.of("nodes", "name"));
      int[] ns = j.indices(o, p, "nodes", false);
      scenes[i] = ns;
      for (int k = 0; ns != null && k < ns.length; k++) {
        if (ns[k] >= 0 && ctx.ref("nodes", ns[k], p + "/nodes/" + k)) {
          if (nodes[ns[k]].parent >= 0) {
            j.add(
                IssueCode.SCENE_NON_ROOT_NODE,
                p + "/nodes/" + k,
                "Node " + ns[k] + " is not a root node.");
          }
        } else {
          ns[k] = -1;
        }
      }
      ctx.extensions().object(o, p, "scene");
    }
    int defaultScene = j.index(ctx.root(), "", "scene", false);
    ctx.ref("scenes", defaultScene, "/scene");
  }

  // ---------------------------------------------------------------- links

  void link() {
    Node[] nodes = ctx.nodes();
    reportLoops(nodes);
    Set<Integer> inLoop = nodesReportedInLoops();
    for (int i = 0; i < nodes.length; i++) {
      Node n = nodes[i];
      if (n.o == null) {
        continue;
      }
      String p = "/nodes/" + i;
      if (n.mesh >= 0) {
        meshUse(i, n, p, ctx.meshes()[n.mesh], inLoop);
      }
      boolean empty =
          n.mesh < 0 && n.camera < 0 && n.children == null && n.skin < 0 && !n.o.has("extensions");
      if (empty && !isJoint(i)) {
        j.add(IssueCode.NODE_EMPTY, p, "Empty node encountered.");
      }
    }
  }

  /** Walks up the parent chain from every node; a node met again on its own chain is in a loop. */
  private void reportLoops(Node[] nodes) {
    for (int i = 0; i < nodes.length; i++) {
      int steps = 0;
      int cur = nodes[i].parent;
      while (cur >= 0 && steps <= nodes.length) {
        if (cur == i) {
          j.add(IssueCode.NODE_LOOP, "/nodes/" + i, "Node is a part of a node loop.");
          break;
        }
        cur = nodes[cur].parent;
        steps++;
      }
    }
  }

  /**
   * The nodes of the NODE_LOOP issues kept in the report (so the cap on kept issues applies here
   * too).
   */
  private Set<Integer> nodesReportedInLoops() {
    Set<Integer> inLoop = new HashSet<>();
    for (ValidationIssue vi : ctx.issues().kept) {
      if (vi.code() == IssueCode.NODE_LOOP) {
        inLoop.add(Integer.parseInt(vi.pointer().substring("/nodes/".length())));
      }
    }
    return inLoop;
  }

  private void meshUse(int i, Node n, String p, Mesh mesh, Set<Integer> inLoop) {
    int targets = Math.max(mesh.targetCount, 0);
    if (n.weights != null && n.weights.length != targets) {
      j.add(
          IssueCode.NODE_WEIGHTS_INVALID,
          p + "/weights",
          "The length of weights array ("
              + n.weights.length
              + ") does not match the number of morph targets ("
              + targets
              + ").");
    }
    if (n.weights != null && mesh.weights != null) {
      j.add(
          IssueCode.UNUSED_MESH_WEIGHTS,
          "/meshes/" + n.mesh + "/weights",
          "The static morph target weights are always overridden.");
    }
    if (n.skin >= 0 && !mesh.skinned) {
      j.add(
          IssueCode.NODE_SKIN_WITH_NON_SKINNED_MESH,
          p,
          "Node has skin defined, but mesh has no joints data.");
    } else if (n.skin < 0 && mesh.skinned && !n.o.has("skin")) {
      j.add(
          IssueCode.NODE_SKINNED_MESH_WITHOUT_SKIN,
          p,
          "Node uses skinned mesh, but has no skin defined.");
    }
    if (n.skin >= 0 && mesh.skinned) {
      skinnedMesh(i, n, p, mesh, inLoop);
    }
  }

  /** Transforms of the node and its ancestors do not affect a skinned mesh. */
  private void skinnedMesh(int i, Node n, String p, Mesh mesh, Set<Integer> inLoop) {
    Node[] nodes = ctx.nodes();
    if (n.hasTrs || n.matrix != null) {
      j.add(
          IssueCode.NODE_SKINNED_MESH_LOCAL_TRANSFORMS,
          p,
          "Local transforms will not affect a skinned mesh.");
    }
    if (n.parent >= 0 && !inLoop.contains(i)) {
      boolean parentTransforms = false;
      for (int cur = n.parent, s = 0; cur >= 0 && s <= nodes.length; cur = nodes[cur].parent, s++) {
        Node pn = nodes[cur];
        if (pn.hasTrs || pn.matrix != null) {
          parentTransforms = true;
        }
      }
      if (parentTransforms) {
        j.add(
            IssueCode.NODE_SKINNED_MESH_PARENT_TRANSFORMS,
            p,
            "Node with a skinned mesh has parent nodes with transforms. Parent transforms will not affect a skinned mesh.");
      }
      j.add(
          IssueCode.NODE_SKINNED_MESH_NON_ROOT,
          p,
          "Node with a skinned mesh is not root. Parent transforms will not affect a skinned mesh.");
    }
    queueJointChecks(n, mesh);
  }

  /**
   * Queues one JOINTS check per primitive with all its JOINTS_n/WEIGHTS_n pairs together (a joint
   * may not repeat across sets); extra = joint count, skin, then accessor pairs.
   */
  private void queueJointChecks(Node n, Mesh mesh) {
    Skin sk = ctx.skins()[n.skin];
    if (sk.joints == null) {
      return;
    }
    for (Prim pr : mesh.prims) {
      List<Integer> extra = new ArrayList<>(List.of(sk.joints.length, n.skin));
      for (int set = 0; pr.attributes.containsKey("JOINTS_" + set) && !pr.draco; set++) {
        extra.add(pr.attributes.get("JOINTS_" + set));
        extra.add(pr.attributes.getOrDefault("WEIGHTS_" + set, -1));
      }
      if (extra.size() > 2) {
        ctx.useAccessor(
            new DataChecks.Use(
                extra.get(2),
                DataChecks.Kind.JOINTS,
                pr.p,
                extra.stream().mapToInt(Integer::intValue).toArray()));
      }
    }
  }

  private boolean isJoint(int node) {
    for (Skin s : ctx.skins()) {
      if (s.joints != null) {
        for (int jn : s.joints) {
          if (jn == node) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
