package dev.assetgrid.coordinator.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The retention rule's SQL ({@code --drop-derivatives-after}): drops the derived files of assets
 * nobody has read or re-made since a cutoff, and remembers on the asset what it dropped ({@code
 * assets.dropped_derivatives}, V8), so that a download of one makes it again ({@link
 * AssetStore#regenerate}).
 *
 * <p>An asset qualifies when it is {@code ready} (no job queued or running: its row's lock, taken
 * here with {@code SKIP LOCKED}, is the one a new job takes to mark it {@code processing}), has
 * derived files, none of them written since the cutoff, and no file of it was downloaded since then
 * ({@code last_read_at}, which {@link AssetStore#getFile} keeps to the hour). Originals and side
 * files are never touched.
 *
 * <p>Dropping deletes the asset's derived {@code asset_files} rows and the {@code task_outputs}
 * rows of its finished jobs (every output is also an asset file, or was one before a later job
 * replaced it; while any of them remains, its blob stays referenced): the {@code blobs} triggers
 * count the references down, and the blob purge deletes bytes nobody references after {@code
 * --purge-after}. The jobs stay, with their tasks and results; their outputs are gone.
 */
public final class DerivativeRetention {
  static final String DROP_SQL =
      """
      WITH cold AS (
        SELECT a.id FROM assets a
         WHERE a.status = 'ready' AND coalesce(a.last_read_at, a.created_at) < $1
           AND EXISTS (SELECT 1 FROM asset_files f WHERE f.asset_id = a.id AND f.role = 'derived')
           AND NOT EXISTS (SELECT 1 FROM asset_files f
                            WHERE f.asset_id = a.id AND f.role = 'derived' AND f.created_at >= $1)
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.asset_id = a.id AND j.state IN ('queued', 'running'))
         ORDER BY coalesce(a.last_read_at, a.created_at)
         LIMIT $2
           FOR UPDATE OF a SKIP LOCKED),
      gone AS (
        DELETE FROM asset_files f USING cold
         WHERE f.asset_id = cold.id AND f.role = 'derived'
        RETURNING f.asset_id, f.name, f.size_bytes, f.content_type, f.kind, f.task_id),
      outputs AS (
        DELETE FROM task_outputs o USING tasks t, jobs j, cold
         WHERE o.task_id = t.id AND t.job_id = j.id AND j.asset_id = cold.id
        RETURNING o.task_id),
      lists AS (
        SELECT g.asset_id, array_agg(g.name) AS names,
               jsonb_agg(jsonb_build_object('name', g.name, 'size', g.size_bytes, 'contentType', g.content_type,
                                            'kind', g.kind, 'job', t.job_id, 'droppedAt', now())
                         ORDER BY g.name) AS list
          FROM gone g LEFT JOIN tasks t ON t.id = g.task_id
         GROUP BY g.asset_id),
      marked AS (
        -- earlier entries not dropped again stay (their files never came back)
        UPDATE assets a
           SET dropped_derivatives =
                 coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(a.dropped_derivatives) e
                            WHERE NOT (e->>'name' = ANY(l.names))), '[]'::jsonb) || l.list,
               regen_job_id = NULL
          FROM lists l WHERE a.id = l.asset_id
        RETURNING a.id)
      SELECT (SELECT count(*) FROM marked) AS assets, (SELECT count(*) FROM gone) AS files,
             (SELECT coalesce(sum(size_bytes), 0) FROM gone) AS bytes,
             (SELECT count(*) FROM outputs) AS outputs""";

  /**
   * What one round dropped.
   *
   * @param assets assets whose derivatives were dropped
   * @param files derived files removed from them
   * @param bytes their sizes, summed (the bytes the purge may delete once no other row references
   *     them)
   */
  public record Dropped(long assets, long files, long bytes) {}

  private final Pool pool;

  public DerivativeRetention(Pool pool) {
    this.pool = pool;
  }

  /**
   * Drops the derivatives of up to {@code limit} assets untouched since {@code cutoff}, in one
   * statement (its own transaction).
   */
  public Future<Dropped> drop(Instant cutoff, int limit) {
    return pool.preparedQuery(DROP_SQL)
        .execute(Tuple.of(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC), limit))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              return new Dropped(r.getLong("assets"), r.getLong("files"), r.getLong("bytes"));
            });
  }
}
