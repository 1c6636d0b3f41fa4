package dev.assetgrid.node.processing.optimize;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One primitive of the asset ({@code meshes[mesh].primitives[primitive]}) and the geometry it
 * draws. {@code geometry} is null for primitives that are passed through untouched (Draco
 * compressed, unreadable or invalid data: their input is kept exactly as it was).
 */
public final class MeshPart {
  final int mesh;
  final int primitive;
  final ObjectNode json;
  Geometry geometry;
  final String skipReason;

  MeshPart(int mesh, int primitive, ObjectNode json, Geometry geometry, String skipReason) {
    this.mesh = mesh;
    this.primitive = primitive;
    this.json = json;
    this.geometry = geometry;
    this.skipReason = skipReason;
  }

  public int mesh() {
    return mesh;
  }

  public int primitive() {
    return primitive;
  }

  public Geometry geometry() {
    return geometry;
  }

  /** Why the primitive is passed through untouched, or null when it is processed. */
  public String skipReason() {
    return skipReason;
  }
}
