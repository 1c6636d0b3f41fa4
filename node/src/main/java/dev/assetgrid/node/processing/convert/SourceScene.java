package dev.assetgrid.node.processing.convert;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A 3D scene as an importer read it, in plain Java arrays: the neutral model between a {@link
 * SceneImporter} (Assimp) and {@link GltfBuilder}. No native pointers: the importer copies
 * everything out before it releases its own scene.
 *
 * <p>Conventions: right-handed, Y up (importers convert), positions in the source's units, UV
 * origin top-left (glTF's; importers flip V), matrices column-major like glTF.
 *
 * @param nodes the node tree flattened; {@code nodes.get(0)} is the root
 * @param meshes geometry, each with one primitive mode
 * @param materials materials referenced by {@link Mesh#material()}
 * @param embeddedTextures textures stored inside the source file, referenced as {@code *index} or
 *     by their {@link EmbeddedTexture#filename()}
 * @param skipped what the importer saw but the model does not carry (e.g. {@code "animations" →
 *     1}), reported as warnings
 * @param notes other things the importer changed (e.g. a unit conversion), reported as warnings
 */
public record SourceScene(
    List<Node> nodes,
    List<Mesh> meshes,
    List<Material> materials,
    List<EmbeddedTexture> embeddedTextures,
    Map<String, Integer> skipped,
    List<String> notes) {

  /** A scene without notes. */
  public SourceScene(
      List<Node> nodes,
      List<Mesh> meshes,
      List<Material> materials,
      List<EmbeddedTexture> embeddedTextures,
      Map<String, Integer> skipped) {
    this(nodes, meshes, materials, embeddedTextures, skipped, List.of());
  }

  public SourceScene {
    nodes = List.copyOf(nodes);
    meshes = List.copyOf(meshes);
    materials = List.copyOf(materials);
    embeddedTextures = List.copyOf(embeddedTextures);
    skipped = Map.copyOf(skipped);
    notes = List.copyOf(notes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a scene needs a root node");
    }
  }

  /**
   * One node.
   *
   * @param name may be empty, never null
   * @param matrix local transform, 16 floats column-major
   * @param meshes indices into {@link SourceScene#meshes()} drawn by this node
   * @param children indices into {@link SourceScene#nodes()}
   */
  public record Node(String name, float[] matrix, int[] meshes, int[] children) {
    public Node {
      Objects.requireNonNull(name, "name");
      if (matrix.length != 16) {
        throw new IllegalArgumentException("matrix needs 16 floats");
      }
    }
  }

  /** glTF primitive modes a source mesh can have. */
  public enum Mode {
    POINTS(0, 1),
    LINES(1, 2),
    TRIANGLES(4, 3);

    private final int gltf;
    private final int vertices;

    Mode(int gltf, int vertices) {
      this.gltf = gltf;
      this.vertices = vertices;
    }

    /** The glTF {@code mode} value. */
    public int gltf() {
      return gltf;
    }

    /** Indices per primitive (1, 2 or 3). */
    public int verticesPerPrimitive() {
      return vertices;
    }
  }

  /**
   * Indexed geometry of one mode.
   *
   * @param name may be empty
   * @param mode points, lines or triangles
   * @param positions xyz per vertex ({@code 3 * vertexCount} floats)
   * @param normals xyz per vertex, or null
   * @param tangents xyz per vertex, or null (only with normals and bitangents)
   * @param bitangents xyz per vertex, or null
   * @param texCoords per UV set: uv per vertex ({@code 2 * vertexCount} floats); may be empty
   * @param colors rgba per vertex (first color set), or null
   * @param indices {@code mode.verticesPerPrimitive()} per primitive, each {@code < vertexCount}
   * @param material index into {@link SourceScene#materials()}, or -1
   */
  public record Mesh(
      String name,
      Mode mode,
      float[] positions,
      float[] normals,
      float[] tangents,
      float[] bitangents,
      List<float[]> texCoords,
      float[] colors,
      int[] indices,
      int material) {
    public Mesh {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(mode, "mode");
      texCoords = List.copyOf(texCoords);
      if (positions.length % 3 != 0 || indices.length % mode.verticesPerPrimitive() != 0) {
        throw new IllegalArgumentException("positions or indices have a partial element");
      }
    }

    public int vertexCount() {
      return positions.length / 3;
    }

    public int primitiveCount() {
      return indices.length / mode.verticesPerPrimitive();
    }
  }

  /** Texture semantics the converter maps to glTF material slots. */
  public enum TextureSlot {
    /** PBR base color, or the diffuse map of a legacy material. */
    BASE_COLOR,
    /** Tangent-space normal map. */
    NORMAL,
    EMISSIVE,
    /** Ambient occlusion or light map (red channel used). */
    OCCLUSION,
    /** glTF-style packed metallic (B) + roughness (G) map. */
    METALLIC_ROUGHNESS,
    /** An opacity map: not mapped, but it makes the material blended. */
    OPACITY
  }

  /**
   * A texture a material refers to.
   *
   * @param path as written in the source: a relative or absolute file path (any separators), or
   *     {@code *N} for embedded texture N
   * @param uvSet which {@link Mesh#texCoords()} set it uses
   * @param wrapS glTF sampler wrap mode for U (10497 repeat, 33071 clamp, 33648 mirror)
   * @param wrapT same for V
   */
  public record TextureRef(String path, int uvSet, int wrapS, int wrapT) {}

  /**
   * Material properties as found in the source; absent values are null. Legacy (Phong) and PBR
   * properties may both be present; {@link MaterialMapper} decides.
   *
   * @param diffuse rgba diffuse color (legacy)
   * @param baseColor rgba PBR base color
   * @param opacity 0..1, 1 = opaque
   * @param shininess Phong exponent
   * @param metallic PBR metallic factor
   * @param roughness PBR roughness factor
   * @param emissive rgb emissive color
   * @param twoSided whether back faces are drawn
   * @param unlit the shading model says no lighting
   * @param textures by slot (first texture of each slot)
   */
  public record Material(
      String name,
      float[] diffuse,
      float[] baseColor,
      Float opacity,
      Float shininess,
      Float metallic,
      Float roughness,
      float[] emissive,
      boolean twoSided,
      boolean unlit,
      Map<TextureSlot, TextureRef> textures) {
    public Material {
      Objects.requireNonNull(name, "name");
      textures = Map.copyOf(textures);
    }
  }

  /**
   * A texture stored in the source file: either encoded bytes ({@code encoded}, with a format hint
   * such as {@code png}, {@code jpg}, {@code tga}), or raw pixels ({@code rgba}, width × height ×
   * 4).
   *
   * @param filename the name the source gave it (materials may refer to it by that name); may be
   *     empty
   */
  public record EmbeddedTexture(
      String filename, String formatHint, byte[] encoded, int width, int height, byte[] rgba) {
    public EmbeddedTexture {
      Objects.requireNonNull(filename, "filename");
      Objects.requireNonNull(formatHint, "formatHint");
      if ((encoded == null) == (rgba == null)) {
        throw new IllegalArgumentException("exactly one of encoded and rgba");
      }
      if (rgba != null && (width <= 0 || height <= 0 || (long) width * height * 4 != rgba.length)) {
        throw new IllegalArgumentException("rgba does not match width × height");
      }
    }
  }
}
