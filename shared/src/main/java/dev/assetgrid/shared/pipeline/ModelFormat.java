package dev.assetgrid.shared.pipeline;

/** Model formats assetgrid recognises from content (never from the file name alone). */
public enum ModelFormat {
  GLB("glb", "model/gltf-binary"),
  GLTF("gltf", "model/gltf+json"),
  OBJ("obj", "model/obj"),
  STL("stl", "model/stl"),
  PLY("ply", "application/x-ply"),
  FBX("fbx", "application/x-fbx"),
  DAE("dae", "model/vnd.collada+xml"),
  /** A .zip holding a model and its side files. */
  ZIP("zip", "application/zip");

  private final String extension;
  private final String mediaType;

  ModelFormat(String extension, String mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  public String extension() {
    return extension;
  }

  public String mediaType() {
    return mediaType;
  }

  public String wire() {
    return extension;
  }

  /** True for the glTF family, which the pipeline reads directly (no convert step). */
  public boolean isGltf() {
    return this == GLB || this == GLTF;
  }

  public static ModelFormat fromWire(String s) {
    for (ModelFormat f : values()) {
      if (f.extension.equalsIgnoreCase(s)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown model format: " + s);
  }
}
