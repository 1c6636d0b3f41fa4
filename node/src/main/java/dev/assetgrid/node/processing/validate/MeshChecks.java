package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Json.ptr;
import static dev.assetgrid.node.processing.validate.Model.UBYTE;
import static dev.assetgrid.node.processing.validate.Model.UINT;
import static dev.assetgrid.node.processing.validate.Model.USHORT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Material;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Prim;
import dev.assetgrid.node.processing.validate.Model.TexRef;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks meshes and their primitives. {@link #check()}: schema, attribute names, morph targets and
 * their count across primitives, mesh weights; publishes the holders. {@link #link()}, once
 * accessors and materials are known: semantic sets, each attribute's accessor (format, bounds,
 * alignment, count, buffer view use), the indices accessor, morph target accessors, and whether the
 * material's texture bindings and tangent-space needs are met; queues the data checks of normals,
 * tangents, colors, weights and indices.
 */
final class MeshChecks {
  private static final Pattern SEMANTIC =
      Pattern.compile("^(TEXCOORD|COLOR|JOINTS|WEIGHTS)_(0|[1-9][0-9]*)$");

  private final ValidationContext ctx;
  private final Json j;

  MeshChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  // ---------------------------------------------------------------- schema

  void check() {
    List<ObjectNode> l = ctx.objects("meshes");
    Mesh[] meshes = new Mesh[l.size()];
    ctx.setMeshes(meshes);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Mesh m = new Mesh();
      meshes[i] = m;
      if (o != null) {
        mesh(o, "/meshes/" + i, m);
      }
    }
  }

  private void mesh(ObjectNode o, String p, Mesh m) {
    j.members(o, p, Set.of("primitives", "weights", "name"));
    m.weights = j.floats(o, p, "weights", false, Double.NaN, Double.NaN, null);
    List<ObjectNode> prims = j.objList(o, p, "primitives", true);
    if (prims != null) {
      for (int k = 0; k < prims.size(); k++) {
        Prim pr = primitive(prims.get(k), p + "/primitives/" + k);
        m.prims.add(pr);
        if (pr.targets
            != null) { // primitives without (valid) targets are not compared, as in Khronos
          int tc = pr.targets.size();
          if (m.targetCount == -1) {
            m.targetCount = tc;
          } else if (m.targetCount != tc) {
            j.add(
                IssueCode.MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT,
                p + "/primitives/" + k + "/targets",
                "All primitives must have the same number of morph targets.");
          }
        }
        if (pr.attributes.keySet().stream().anyMatch(s -> s.startsWith("JOINTS_"))) {
          m.skinned = true;
        }
      }
    }
    if (m.weights != null && m.targetCount >= 0 && m.weights.length != m.targetCount) {
      j.add(
          IssueCode.MESH_INVALID_WEIGHTS_COUNT,
          p + "/weights",
          "The length of weights array ("
              + m.weights.length
              + ") does not match the number of morph targets ("
              + m.targetCount
              + ").");
    }
    ctx.extensions().object(o, p, "mesh");
  }

  private Prim primitive(ObjectNode o, String p) {
    Prim pr = new Prim();
    pr.p = p;
    j.members(o, p, Set.of("attributes", "indices", "material", "mode", "targets"));
    JsonNode attrs = o.get("attributes");
    if (attrs == null) {
      j.undefined(p, "attributes");
    } else if (!attrs.isObject()) {
      j.typeMismatch(p + "/attributes", attrs, "object");
    } else if (attrs.size() == 0) {
      j.add(IssueCode.EMPTY_ENTITY, p + "/attributes", "Entity cannot be empty.");
    } else {
      pr.attributes = attributeMap((ObjectNode) attrs, p + "/attributes");
    }
    pr.indices = j.index(o, p, "indices", false);
    pr.material = j.index(o, p, "material", false);
    pr.mode = (int) j.uintEnum(o, p, "mode", false, 4, 0, 1, 2, 3, 4, 5, 6);
    JsonNode targets = o.get("targets");
    if (targets != null) {
      pr.targets = targets(targets, p + "/targets");
    }
    pr.draco = o.path("extensions").has("KHR_draco_mesh_compression");
    ctx.extensions().object(o, p, "primitive");
    return pr;
  }

  /**
   * The morph targets' attribute maps, or null when {@code targets} is not a non-empty array of
   * objects.
   */
  private List<Map<String, Integer>> targets(JsonNode targets, String p) {
    if (!targets.isArray()) {
      j.typeMismatch(p, targets, "array");
      return null;
    }
    if (targets.size() == 0) {
      j.add(IssueCode.EMPTY_ENTITY, p, "Entity cannot be empty.");
      return null;
    }
    boolean bad = false;
    for (JsonNode t : targets) {
      if (!t.isObject()) {
        bad = true;
        j.add(
            IssueCode.ARRAY_TYPE_MISMATCH,
            p,
            "Type mismatch. Array element " + Json.show(t) + " is not a 'object'.");
      }
    }
    if (bad) {
      return null;
    }
    List<Map<String, Integer>> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      ObjectNode to = (ObjectNode) targets.get(t);
      if (to.size() == 0) {
        j.add(IssueCode.EMPTY_ENTITY, p + "/" + t, "Entity cannot be empty.");
        out.add(new LinkedHashMap<>());
      } else {
        out.add(attributeMap(to, p + "/" + t));
      }
    }
    return out;
  }

  /** Semantic to accessor index, for valid semantics with valid indices; reports the others. */
  private Map<String, Integer> attributeMap(ObjectNode o, String p) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      String kp = ptr(p, k);
      boolean valid =
          k.equals("POSITION")
              || k.equals("NORMAL")
              || k.equals("TANGENT")
              || SEMANTIC.matcher(k).matches()
              || k.startsWith("_");
      if (!valid) {
        j.add(IssueCode.MESH_PRIMITIVE_INVALID_ATTRIBUTE, kp, "Invalid attribute name.");
      }
      JsonNode v = e.getValue();
      if (Json.isInt(v) && v.asLong() >= 0 && v.asLong() <= Integer.MAX_VALUE) {
        if (valid) {
          out.put(k, (int) v.asLong());
        }
      } else if (Json.isInt(v)) {
        j.add(IssueCode.INVALID_INDEX, kp, "Index must be a non-negative integer.");
      } else {
        j.typeMismatch(kp, v, "integer");
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- links

  void link() {
    boolean quantized = ctx.extensionsUsed().contains("KHR_mesh_quantization");
    for (Mesh m : ctx.meshes()) {
      for (Prim pr : m.prims) {
        semantics(pr);
        int vertexCount = attributes(pr, quantized);
        indices(pr, vertexCount);
        morphTargets(pr, quantized, vertexCount);
        material(pr);
      }
    }
  }

  /**
   * Indexed semantics start at 0 without gaps, JOINTS_n pair with WEIGHTS_n, POSITION is there,
   * TANGENT has NORMAL.
   */
  private void semantics(Prim pr) {
    String p = pr.p;
    Map<String, List<Integer>> sets = new HashMap<>();
    for (String k : pr.attributes.keySet()) {
      Matcher mt = SEMANTIC.matcher(k);
      if (mt.matches()) {
        sets.computeIfAbsent(mt.group(1), x -> new ArrayList<>())
            .add(Integer.parseInt(mt.group(2)));
      }
    }
    for (Map.Entry<String, List<Integer>> e : sets.entrySet()) {
      List<Integer> ns = e.getValue();
      for (int n = 0; n < ns.size(); n++) {
        if (!ns.contains(n)) {
          j.add(
              IssueCode.MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY,
              p + "/attributes",
              "Indices for indexed attribute semantic '"
                  + e.getKey()
                  + "' must start with 0 and be continuous.");
          break;
        }
      }
    }
    int joints = sets.getOrDefault("JOINTS", List.of()).size();
    int weights = sets.getOrDefault("WEIGHTS", List.of()).size();
    if (joints != weights) {
      j.add(
          IssueCode.MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH,
          p + "/attributes",
          "Number of JOINTS attribute semantics must match number of WEIGHTS.");
    }
    if (!pr.attributes.containsKey("POSITION") && !pr.attributes.isEmpty()) {
      j.add(
          IssueCode.MESH_PRIMITIVE_NO_POSITION, p + "/attributes", "No POSITION attribute found.");
    }
    if (pr.attributes.containsKey("TANGENT") && !pr.attributes.containsKey("NORMAL")) {
      j.add(
          IssueCode.MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL,
          p + "/attributes/TANGENT",
          "TANGENT attribute without NORMAL found.");
    }
  }

  /**
   * Checks each attribute's accessor; returns the primitive's vertex count (-1 when no accessor is
   * usable).
   */
  private int attributes(Prim pr, boolean quantized) {
    int vertexCount = -1;
    Map<Integer, Integer> viewUsers = new HashMap<>();
    Set<Integer> countedAccessors = new HashSet<>();
    int[] weightSet =
        pr.attributes.entrySet().stream()
            .filter(e -> e.getKey().startsWith("WEIGHTS_"))
            .mapToInt(Map.Entry::getValue)
            .toArray();
    for (Map.Entry<String, Integer> e : pr.attributes.entrySet()) {
      String sem = e.getKey();
      int ai = e.getValue();
      String ap = pr.p + "/attributes/" + sem;
      if (!ctx.ref("accessors", ai, ap)) {
        continue;
      }
      Acc a = ctx.accessors()[ai];
      if (!a.valid()) {
        continue;
      }
      if (a.componentType == UINT) {
        j.add(
            IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT,
            ap,
            "Mesh attributes cannot use UNSIGNED_INT component type.");
      } else if (!AttributeFormats.allowed(sem, a, quantized, false)) {
        j.add(
            IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT,
            ap,
            "Invalid accessor format '" + a.format() + "' for this attribute semantic.");
      }
      if (sem.equals("POSITION")
          && (a.min == null || a.max == null)
          && !(a.o.has("min") && a.o.has("max"))) {
        j.add(
            IssueCode.MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS,
            ap,
            "accessor.min and accessor.max must be defined for POSITION attribute accessor.");
      }
      alignment(a, ap);
      if (vertexCount == -1) {
        vertexCount = a.count;
      } else if (vertexCount != a.count) {
        j.add(
            IssueCode.MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT,
            ap,
            "All accessors of the same primitive must have the same count.");
      }
      if (a.bufferView >= 0) {
        vertexBufferView(a, ai, ap, viewUsers, countedAccessors);
      }
      if (!pr.draco) {
        queueDataCheck(sem, ai, ap, weightSet);
      }
    }
    return vertexCount;
  }

  /** Records the vertex-buffer use; a view shared by two attribute accessors needs a byteStride. */
  private void vertexBufferView(
      Acc a, int ai, String ap, Map<Integer, Integer> viewUsers, Set<Integer> counted) {
    ctx.useBufferView(a.bufferView, "VertexBuffer", ap);
    View[] views = ctx.views();
    if (a.bufferView < views.length && views[a.bufferView].byteStride <= 0 && counted.add(ai)) {
      int n = viewUsers.merge(a.bufferView, 1, Integer::sum);
      if (n > 1) {
        j.add(
            IssueCode.MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE,
            ap,
            "bufferView.byteStride must be defined when two or more accessors use the same buffer view.");
      }
    }
  }

  private void queueDataCheck(String sem, int ai, String ap, int[] weightSet) {
    switch (sem) {
      case "NORMAL" -> ctx.useAccessor(new DataChecks.Use(ai, DataChecks.Kind.NORMAL, ap, 0));
      case "TANGENT" -> ctx.useAccessor(new DataChecks.Use(ai, DataChecks.Kind.TANGENT, ap, 0));
      default -> {
        if (sem.startsWith("COLOR_")) {
          ctx.useAccessor(new DataChecks.Use(ai, DataChecks.Kind.COLOR, ap, 0));
        } else if (sem.startsWith("WEIGHTS_")) {
          ctx.useAccessor(new DataChecks.Use(ai, DataChecks.Kind.WEIGHTS, ap, weightSet));
        }
      }
    }
  }

  private void indices(Prim pr, int vertexCount) {
    String ip = pr.p + "/indices";
    if (pr.indices < 0 || !ctx.ref("accessors", pr.indices, ip)) {
      return;
    }
    Acc a = ctx.accessors()[pr.indices];
    if (!a.valid()) {
      return;
    }
    boolean formatOk =
        a.type.equals("SCALAR")
            && !a.normalized
            && (a.componentType == UBYTE || a.componentType == USHORT || a.componentType == UINT);
    if (!formatOk) {
      j.add(
          IssueCode.MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT,
          ip,
          "Invalid indices accessor format '"
              + a.format()
              + "'. Must be one of ('{SCALAR, UNSIGNED_BYTE}', '{SCALAR, UNSIGNED_SHORT}', '{SCALAR, UNSIGNED_INT}').");
    } else if (!pr.draco) {
      ctx.useAccessor(
          new DataChecks.Use(pr.indices, DataChecks.Kind.INDICES, ip, vertexCount, pr.mode));
    }
    View[] views = ctx.views();
    if (a.bufferView >= 0 && a.bufferView < views.length && views[a.bufferView].byteStride > 0) {
      j.add(
          IssueCode.MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE,
          ip,
          "bufferView.byteStride must not be defined for indices accessor.");
    }
    if (a.bufferView >= 0) {
      ctx.useBufferView(a.bufferView, "IndexBuffer", ip);
    }
  }

  private void morphTargets(Prim pr, boolean quantized, int vertexCount) {
    if (pr.targets == null) {
      return;
    }
    for (int t = 0; t < pr.targets.size(); t++) {
      for (Map.Entry<String, Integer> e : pr.targets.get(t).entrySet()) {
        String sem = e.getKey();
        String tp = pr.p + "/targets/" + t + "/" + sem;
        if (!pr.attributes.containsKey(sem)) {
          j.add(
              IssueCode.MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR,
              tp,
              "No base accessor for this attribute semantic.");
        }
        if (!ctx.ref("accessors", e.getValue(), tp)) {
          continue;
        }
        Acc a = ctx.accessors()[e.getValue()];
        if (a.valid()) {
          morphTargetAccessor(sem, a, tp, quantized, vertexCount);
        }
      }
    }
  }

  private void morphTargetAccessor(
      String sem, Acc a, String tp, boolean quantized, int vertexCount) {
    if (!AttributeFormats.allowed(sem, a, quantized, true)) {
      j.add(
          IssueCode.MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT,
          tp,
          "Invalid accessor format '" + a.format() + "' for this attribute semantic.");
    }
    if (sem.equals("POSITION") && !(a.o.has("min") && a.o.has("max"))) {
      j.add(
          IssueCode.MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS,
          tp,
          "accessor.min and accessor.max must be defined for POSITION attribute accessor.");
    }
    alignment(a, tp);
    if (vertexCount >= 0 && a.count != vertexCount) {
      j.add(
          IssueCode.MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT,
          tp,
          "Morph target attribute accessor must have the same count as base.");
    }
    if (a.bufferView >= 0) {
      ctx.useBufferView(a.bufferView, "VertexBuffer", tp);
    }
  }

  /**
   * The material's texture bindings need their TEXCOORD_n; its tangent space needs TANGENT or a
   * normal map.
   */
  private void material(Prim pr) {
    String mp = pr.p + "/material";
    if (pr.material < 0 || !ctx.ref("materials", pr.material, mp)) {
      return;
    }
    Material m = ctx.materials()[pr.material];
    for (TexRef r : m.textures) {
      if (!pr.attributes.containsKey("TEXCOORD_" + r.texCoord)) {
        j.add(
            IssueCode.MESH_PRIMITIVE_TOO_FEW_TEXCOORDS,
            mp,
            "Material is incompatible with mesh primitive: Texture binding '"
                + r.pointer
                + "' needs 'TEXCOORD_"
                + r.texCoord
                + "' attribute.");
      }
    }
    boolean hasTangent = pr.attributes.containsKey("TANGENT");
    if (!hasTangent && pr.mode >= 4) {
      if (m.needsTangentSpace && !m.hasNormalTexture) {
        j.add(
            IssueCode.MESH_PRIMITIVE_NO_TANGENT_SPACE,
            mp,
            "Material requires a tangent space but the mesh primitive does "
                + "not provide it and the material does not contain a normal map to generate it.");
      } else if ((m.needsTangentSpace || m.hasNormalTexture)
          && pr.attributes.containsKey("NORMAL")) {
        j.add(
            IssueCode.MESH_PRIMITIVE_GENERATED_TANGENT_SPACE,
            mp,
            "Material requires a tangent space but the mesh primitive "
                + "does not provide it. Runtime-generated tangent space may be non-portable across implementations.");
      }
    }
  }

  /** Vertex attribute data must start and step on 4-byte boundaries. */
  private void alignment(Acc a, String ap) {
    View[] views = ctx.views();
    if (a.bufferView < 0 || a.bufferView >= views.length) {
      return;
    }
    View v = views[a.bufferView];
    if (((v.byteOffset + a.byteOffset) % 4 != 0) || (v.byteStride > 0 && v.byteStride % 4 != 0)) {
      j.add(
          IssueCode.MESH_PRIMITIVE_ACCESSOR_UNALIGNED,
          ap,
          "Vertex attribute data must be aligned to 4-byte boundaries.");
    }
  }
}
