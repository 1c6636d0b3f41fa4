package dev.assetgrid.node.processing.convert;

import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.stage.ConvertOptions;

/**
 * Port of {@link Convert}: reads a 3D file of some other format (OBJ, FBX, STL, PLY, COLLADA,
 * 3DS...) into a {@link SourceScene}. The implementation is native (Assimp, {@code
 * natives.AssimpSceneImporter}); everything it returns is plain Java. Thread-safe: every call uses
 * its own importer state. Arguments are never null.
 */
public interface SceneImporter {

  /**
   * Imports one model.
   *
   * @param source the model file's bytes
   * @param fileName the name presented to the importer: its extension picks the reader (no
   *     extension: the reader is chosen from the content); files the reader opens itself (an OBJ's
   *     MTL, external buffers) are looked up relative to it. Plain name, no directories.
   * @param sideFiles where those other files come from; the importer never opens anything else
   * @param options limits and switches ({@code generateNormals}, {@code smoothingAngle}, {@code
   *     maxSideFileBytes}, {@code maxVertices}, {@code maxTexturePixels})
   * @return the scene (never null), triangulated, identical vertices welded, UV origin top-left, Y
   *     up
   * @throws dev.assetgrid.shared.error.AssetGridException UNSUPPORTED_FORMAT when no reader accepts
   *     the content, DATA_ERROR when the reader fails on it or it has no geometry,
   *     INPUT_LIMIT_EXCEEDED past a limit, NATIVE_UNAVAILABLE when the library cannot load
   */
  SourceScene importScene(
      byte[] source, String fileName, ResourceResolver sideFiles, ConvertOptions options);
}
