package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.ARRAY_BUFFER;
import static dev.assetgrid.node.processing.validate.Model.ELEMENT_ARRAY_BUFFER;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Buf;
import dev.assetgrid.node.processing.validate.Model.Image;
import dev.assetgrid.node.processing.validate.Model.Material;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Node;
import dev.assetgrid.node.processing.validate.Model.Skin;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the checks of one validation run share, and the only place they share it: the JSON root, the
 * issue sink, the extension checks, the objects of each top-level collection with the record of
 * which were referenced, the holders each property checker parses for the later phases, the
 * declared extensions, and the accessor uses that {@link DataChecks} verifies once buffers are
 * loaded.
 *
 * <p>Each holder array is published once, by the checker that parses that property, before any
 * later checker reads it; until then it is empty. The holders themselves stay mutable on purpose:
 * later phases complete them (a view's usage, a buffer's bytes, an image's sniffed MIME type).
 */
final class ValidationContext {
  /** Top-level arrays of objects, in the order their shapes are checked. */
  static final List<String> COLLECTIONS =
      List.of(
          "accessors",
          "animations",
          "buffers",
          "bufferViews",
          "cameras",
          "images",
          "materials",
          "meshes",
          "nodes",
          "samplers",
          "scenes",
          "skins",
          "textures");

  /** Collections whose unreferenced objects get UNUSED_OBJECT, in report order. */
  private static final List<String> UNUSED_CHECKED =
      List.of(
          "accessors",
          "bufferViews",
          "buffers",
          "cameras",
          "images",
          "materials",
          "meshes",
          "nodes",
          "samplers",
          "skins",
          "textures");

  /** An EXT_texture_webp source: the image it references and where. */
  record WebpSource(int image, String pointer) {}

  private final ObjectNode root;
  private final Issues issues;
  private final Json json;
  private final boolean glb;
  private final Extensions extensions;

  private final Map<String, List<ObjectNode>> collections = new HashMap<>();
  private final Map<String, boolean[]> used = new HashMap<>();
  private Set<String> extensionsUsed = Set.of();
  private Set<String> extensionsRequired = Set.of();

  private Buf[] buffers = new Buf[0];
  private View[] views = new View[0];
  private Acc[] accessors = new Acc[0];
  private Image[] images = new Image[0];
  private int[] textureSources = new int[0];
  private Material[] materials = new Material[0];
  private Mesh[] meshes = new Mesh[0];
  private Skin[] skins = new Skin[0];
  private Node[] nodes = new Node[0];
  private int[][] scenes = new int[0][];

  private final List<DataChecks.Use> accessorUses = new ArrayList<>();
  private final List<WebpSource> webpSources = new ArrayList<>();

  /**
   * @param root the parsed glTF JSON
   * @param issues where every check reports
   * @param glb whether the JSON came from a GLB container (its first buffer may be the BIN chunk)
   */
  ValidationContext(ObjectNode root, Issues issues, boolean glb) {
    this.root = root;
    this.issues = issues;
    this.json = new Json(issues);
    this.glb = glb;
    this.extensions = new Extensions(this);
  }

  ObjectNode root() {
    return root;
  }

  Issues issues() {
    return issues;
  }

  /** The reporting JSON getters, writing to {@link #issues()}. */
  Json json() {
    return json;
  }

  boolean glb() {
    return glb;
  }

  /** The extension checks, which every property checker calls for its objects. */
  Extensions extensions() {
    return extensions;
  }

  // ---------------------------------------------------------------- collections and references

  /** Publishes the objects of collection {@code c} (null where an element is not an object). */
  void setCollection(String c, List<ObjectNode> objects) {
    collections.put(c, objects);
    used.put(c, new boolean[objects.size()]);
  }

  /** The elements of collection {@code c}: empty before {@link RootChecks} or when absent. */
  List<ObjectNode> objects(String c) {
    List<ObjectNode> l = collections.get(c);
    return l == null ? List.of() : l;
  }

  int size(String c) {
    return objects(c).size();
  }

  /**
   * Resolves a reference, reporting UNRESOLVED_REFERENCE when it points past the collection, and
   * marks the target used. Negative indices (absent or already reported) resolve to nothing.
   *
   * @return true when the target exists and is an object
   */
  boolean ref(String c, int idx, String pointer) {
    if (idx < 0) {
      return false;
    }
    List<ObjectNode> l = collections.get(c);
    if (l == null || idx >= l.size()) {
      json.add(IssueCode.UNRESOLVED_REFERENCE, pointer, "Unresolved reference: " + idx + ".");
      return false;
    }
    used.get(c)[idx] = true;
    return l.get(idx) != null;
  }

  /** Objects never referenced get UNUSED_OBJECT infos, as in the Khronos report. */
  void reportUnusedObjects() {
    for (String c : UNUSED_CHECKED) {
      boolean[] u = used.get(c);
      List<ObjectNode> l = collections.get(c);
      for (int i = 0; i < u.length; i++) {
        if (!u[i] && l.get(i) != null) {
          json.add(IssueCode.UNUSED_OBJECT, "/" + c + "/" + i, "This object may be unused.");
        }
      }
    }
  }

  /**
   * Records how a buffer view is used ("VertexBuffer", "IndexBuffer", "Other"); reports a use that
   * conflicts with its target or an earlier use, and vertex or index data in a view without target.
   */
  void useBufferView(int viewIdx, String usage, String pointer) {
    if (viewIdx < 0 || viewIdx >= views.length || views[viewIdx].o == null) {
      return;
    }
    View v = views[viewIdx];
    String fromTarget =
        v.target == ARRAY_BUFFER
            ? "VertexBuffer"
            : v.target == ELEMENT_ARRAY_BUFFER ? "IndexBuffer" : null;
    String initial = v.usage != null ? v.usage : fromTarget;
    if (initial != null && !initial.equals(usage)) {
      json.add(
          IssueCode.BUFFER_VIEW_TARGET_OVERRIDE,
          pointer,
          "Override of previously set bufferView target or usage. Initial: '"
              + initial
              + "', new: '"
              + usage
              + "'.");
      return;
    }
    if (v.usage == null
        && fromTarget == null
        && (usage.equals("VertexBuffer") || usage.equals("IndexBuffer"))) {
      json.add(
          IssueCode.BUFFER_VIEW_TARGET_MISSING,
          pointer,
          "bufferView.target should be set for vertex or index data.");
    }
    v.usage = usage;
  }

  // ---------------------------------------------------------------- declared extensions

  /** Publishes {@code extensionsUsed} and {@code extensionsRequired}, each in declaration order. */
  void declareExtensions(Set<String> used, Set<String> required) {
    extensionsUsed = Collections.unmodifiableSet(new LinkedHashSet<>(used));
    extensionsRequired = Collections.unmodifiableSet(new LinkedHashSet<>(required));
  }

  Set<String> extensionsUsed() {
    return extensionsUsed;
  }

  Set<String> extensionsRequired() {
    return extensionsRequired;
  }

  // ---------------------------------------------------------------- parsed holders

  void setBuffers(Buf[] b) {
    buffers = b;
  }

  Buf[] buffers() {
    return buffers;
  }

  void setViews(View[] v) {
    views = v;
  }

  View[] views() {
    return views;
  }

  void setAccessors(Acc[] a) {
    accessors = a;
  }

  Acc[] accessors() {
    return accessors;
  }

  void setImages(Image[] i) {
    images = i;
  }

  Image[] images() {
    return images;
  }

  /** Per texture, the image its {@code source} resolves to, or -1. */
  void setTextureSources(int[] t) {
    textureSources = t;
  }

  int[] textureSources() {
    return textureSources;
  }

  void setMaterials(Material[] m) {
    materials = m;
  }

  Material[] materials() {
    return materials;
  }

  void setMeshes(Mesh[] m) {
    meshes = m;
  }

  Mesh[] meshes() {
    return meshes;
  }

  void setSkins(Skin[] s) {
    skins = s;
  }

  Skin[] skins() {
    return skins;
  }

  void setNodes(Node[] n) {
    nodes = n;
  }

  Node[] nodes() {
    return nodes;
  }

  /**
   * Per scene, its root nodes (-1 where unresolved), or null when it has none or is not an object.
   */
  void setScenes(int[][] s) {
    scenes = s;
  }

  int[][] scenes() {
    return scenes;
  }

  // ---------------------------------------------------------------- deferred checks

  /** Queues a check of an accessor's data for the way it is used. */
  void useAccessor(DataChecks.Use use) {
    accessorUses.add(use);
  }

  /** The queued accessor uses, in the order they were found. */
  List<DataChecks.Use> accessorUses() {
    return Collections.unmodifiableList(accessorUses);
  }

  /** Queues the MIME check of an EXT_texture_webp source once images are loaded. */
  void addWebpSource(int image, String pointer) {
    webpSources.add(new WebpSource(image, pointer));
  }

  List<WebpSource> webpSources() {
    return Collections.unmodifiableList(webpSources);
  }
}
