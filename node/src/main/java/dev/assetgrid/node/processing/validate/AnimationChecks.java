package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.componentName;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Channel;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Node;
import dev.assetgrid.node.processing.validate.Model.Sampler;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks animations. {@link #check()}: schema of samplers and channels. {@link #link()}, once
 * accessors, nodes and meshes are known: sampler input accessors (float scalars with bounds, enough
 * keys for cubic splines), no byteStride on sampler accessors, channel targets (duplicates, TRS of
 * nodes with a matrix or a skinned mesh, weights without morph targets), and each channel's output
 * accessor format and count for its path; queues the data checks of inputs and rotations. Samplers
 * and channels are only used here, so they stay in this class.
 */
final class AnimationChecks {
  private final ValidationContext ctx;
  private final Json j;
  private final List<List<Channel>> animChannels = new ArrayList<>();
  private final List<List<Sampler>> animSamplers = new ArrayList<>();

  AnimationChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  // ---------------------------------------------------------------- schema

  void check() {
    List<ObjectNode> l = ctx.objects("animations");
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      List<Channel> chans = new ArrayList<>();
      List<Sampler> samps = new ArrayList<>();
      animChannels.add(chans);
      animSamplers.add(samps);
      if (o == null) {
        continue;
      }
      String p = "/animations/" + i;
      j.members(o, p, Set.of("channels", "samplers", "name"));
      List<ObjectNode> cl = j.objList(o, p, "channels", true);
      List<ObjectNode> sl = j.objList(o, p, "samplers", true);
      for (int k = 0; sl != null && k < sl.size(); k++) {
        samps.add(sampler(sl.get(k), p + "/samplers/" + k));
      }
      for (int k = 0; cl != null && k < cl.size(); k++) {
        chans.add(channel(cl.get(k), p + "/channels/" + k));
      }
      ctx.extensions().object(o, p, "animation");
    }
  }

  private Sampler sampler(ObjectNode so, String sp) {
    Sampler s = new Sampler();
    j.members(so, sp, Set.of("input", "interpolation", "output"));
    s.input = j.index(so, sp, "input", true);
    s.interpolation =
        j.strEnum(so, sp, "interpolation", false, "LINEAR", "LINEAR", "STEP", "CUBICSPLINE");
    s.output = j.index(so, sp, "output", true);
    ctx.extensions().object(so, sp, "animationSampler");
    return s;
  }

  private Channel channel(ObjectNode co, String cp) {
    Channel c = new Channel();
    c.p = cp;
    j.members(co, cp, Set.of("sampler", "target"));
    c.sampler = j.index(co, cp, "sampler", true);
    ObjectNode t = j.obj(co, cp, "target", true);
    if (t != null) {
      String tp = cp + "/target";
      j.members(t, tp, Set.of("node", "path"));
      c.node = j.index(t, tp, "node", false);
      c.path =
          j.strEnum(
              t, tp, "path", true, null, "translation", "rotation", "scale", "weights", "pointer");
      ctx.extensions().object(t, tp, "animationChannelTarget");
    }
    ctx.extensions().object(co, cp, "animationChannel");
    return c;
  }

  // ---------------------------------------------------------------- links

  void link() {
    for (int i = 0; i < animChannels.size(); i++) {
      String p = "/animations/" + i;
      List<Sampler> samps = animSamplers.get(i);
      for (int k = 0; k < samps.size(); k++) {
        samplerAccessors(samps.get(k), p + "/samplers/" + k);
      }
      channels(animChannels.get(i), samps);
    }
  }

  private void samplerAccessors(Sampler s, String sp) {
    Acc[] accessors = ctx.accessors();
    if (ctx.ref("accessors", s.input, sp + "/input")) {
      Acc a = accessors[s.input];
      if (a.valid()) {
        input(s, a, sp + "/input");
      }
    }
    if (ctx.ref("accessors", s.output, sp + "/output")) {
      Acc a = accessors[s.output];
      if (a.valid()) {
        noByteStride(a, sp + "/output");
      }
    }
  }

  private void input(Sampler s, Acc a, String ip) {
    if (!a.hasFormat("SCALAR:5126")) {
      j.add(
          IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT,
          ip,
          "Invalid Animation sampler input accessor format '"
              + a.format()
              + "'. Must be one of ('{SCALAR, FLOAT}').");
    } else {
      ctx.useAccessor(new DataChecks.Use(s.input, DataChecks.Kind.ANIM_INPUT, ip, 0));
    }
    if (!a.o.has("min") || !a.o.has("max")) {
      j.add(
          IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS,
          ip,
          "accessor.min and accessor.max must be defined for animation input accessor.");
    }
    if ("CUBICSPLINE".equals(s.interpolation) && a.count < 2) {
      j.add(
          IssueCode.ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS,
          ip,
          "Animation sampler output accessor with 'CUBICSPLINE' interpolation must have at least 2 elements. Got "
              + a.count
              + ".");
    }
    noByteStride(a, ip);
  }

  private void noByteStride(Acc a, String pointer) {
    View[] views = ctx.views();
    if (a.bufferView >= 0 && a.bufferView < views.length) {
      if (views[a.bufferView].byteStride > 0) {
        j.add(
            IssueCode.ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE,
            pointer,
            "bufferView.byteStride must not be defined for buffer views used by animation sampler accessors.");
      }
      ctx.useBufferView(a.bufferView, "Other", pointer);
    }
  }

  private void channels(List<Channel> chans, List<Sampler> samps) {
    boolean[] rotationQueued = new boolean[samps.size()];
    Map<String, Integer> targets = new HashMap<>();
    for (int k = 0; k < chans.size(); k++) {
      Channel c = chans.get(k);
      Sampler s = null;
      if (c.sampler >= 0) {
        if (c.sampler >= samps.size()) {
          j.add(
              IssueCode.UNRESOLVED_REFERENCE,
              c.p + "/sampler",
              "Unresolved reference: " + c.sampler + ".");
        } else {
          s = samps.get(c.sampler);
        }
      }
      Node n = target(c, k, chans, targets);
      if (s != null && c.path != null && !c.path.equals("pointer")) {
        output(c, s, n, rotationQueued);
      }
    }
  }

  /** Checks the channel's target node; returns it, or null when the channel has none. */
  private Node target(Channel c, int k, List<Channel> chans, Map<String, Integer> targets) {
    if (c.node < 0 || !ctx.ref("nodes", c.node, c.p + "/target/node")) {
      return null;
    }
    Node n = ctx.nodes()[c.node];
    Mesh[] meshes = ctx.meshes();
    if (c.path != null && !c.path.equals("pointer")) {
      Integer prev = targets.putIfAbsent(c.node + "/" + c.path, k);
      if (prev != null) {
        j.add(
            IssueCode.ANIMATION_DUPLICATE_TARGETS,
            chans.get(prev).p + "/target",
            "Animation channel has the same target as channel " + k + ".");
      }
    }
    if (c.path != null && !c.path.equals("weights") && !c.path.equals("pointer")) {
      if (n.matrix != null || (n.o != null && n.o.has("matrix"))) {
        j.add(
            IssueCode.ANIMATION_CHANNEL_TARGET_NODE_MATRIX,
            c.p + "/target",
            "Animation channel cannot target TRS properties of a node with defined matrix.");
      }
      if (n.skin >= 0 && n.mesh >= 0 && meshes[n.mesh].skinned) {
        j.add(
            IssueCode.ANIMATION_CHANNEL_TARGET_NODE_SKIN,
            c.p + "/target/path",
            "Animated TRS properties will not affect a skinned mesh.");
      }
    }
    if ("weights".equals(c.path) && (n.mesh < 0 || meshes[n.mesh].targetCount <= 0)) {
      j.add(
          IssueCode.ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS,
          c.p + "/target",
          "Animation channel cannot target WEIGHTS when mesh does not have morph targets.");
    }
    return n;
  }

  /** The sampler's output accessor must have a format and count that fit the channel's path. */
  private void output(Channel c, Sampler s, Node n, boolean[] rotationQueued) {
    Acc[] accessors = ctx.accessors();
    if (s.output < 0 || s.output >= accessors.length || !accessors[s.output].valid()) {
      return;
    }
    Acc out = accessors[s.output];
    String[] formats = outputFormats(c.path);
    if (!out.hasFormat(formats)) {
      j.add(
          IssueCode.ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT,
          c.p + "/sampler",
          "Invalid animation sampler output "
              + "accessor format '"
              + out.format()
              + "' for path '"
              + c.path
              + "'. Must be one of ("
              + describe(formats)
              + ").");
      return;
    }
    if (s.input >= 0 && s.input < accessors.length && accessors[s.input].valid()) {
      outputCount(c, s, n, accessors[s.input].count, out);
    }
    if (c.path.equals("rotation") && !rotationQueued[c.sampler]) {
      rotationQueued[c.sampler] = true;
      ctx.useAccessor(
          new DataChecks.Use(
              s.output,
              DataChecks.Kind.ANIM_ROTATION,
              c.p + "/sampler",
              "CUBICSPLINE".equals(s.interpolation) ? 1 : 0));
    }
  }

  private static String[] outputFormats(String path) {
    return switch (path) {
      case "translation", "scale" -> new String[] {"VEC3:5126"};
      case "rotation" ->
          new String[] {"VEC4:5126", "VEC4:5120:n", "VEC4:5121:n", "VEC4:5122:n", "VEC4:5123:n"};
      default ->
          new String[] {
            "SCALAR:5126", "SCALAR:5120:n", "SCALAR:5121:n", "SCALAR:5122:n", "SCALAR:5123:n"
          };
    };
  }

  /**
   * "TYPE:componentType[:n]" formats as the Khronos message lists them: '{VEC4, BYTE normalized}',
   * ...
   */
  private static String describe(String[] formats) {
    StringBuilder sb = new StringBuilder();
    for (String f : formats) {
      String[] parts = f.split(":");
      sb.append(sb.length() == 0 ? "" : ", ")
          .append("'{")
          .append(parts[0])
          .append(", ")
          .append(componentName(Integer.parseInt(parts[1])))
          .append(parts.length > 2 ? " normalized" : "")
          .append("}'");
    }
    return sb.toString();
  }

  /**
   * One output per input key (three for cubic splines), times the morph target count for weights.
   */
  private void outputCount(Channel c, Sampler s, Node n, int inCount, Acc out) {
    long expected = (long) inCount * ("CUBICSPLINE".equals(s.interpolation) ? 3 : 1);
    if (c.path.equals("weights")) {
      Mesh[] meshes = ctx.meshes();
      if (n == null || n.mesh < 0 || meshes[n.mesh].targetCount <= 0) {
        return;
      }
      expected *= meshes[n.mesh].targetCount;
    }
    if (out.count != expected) {
      j.add(
          IssueCode.ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT,
          c.p + "/sampler",
          "Animation sampler output accessor of count "
              + expected
              + " expected. Found "
              + out.count
              + ".");
    }
  }
}
