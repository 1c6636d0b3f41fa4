package dev.assetgrid.coordinator.blob;

/**
 * A blob as PostgreSQL records it: where it is and how big it is, with the content type of the file
 * that references it.
 */
public record StoredBlob(BlobKey key, long size, String contentType) {}
