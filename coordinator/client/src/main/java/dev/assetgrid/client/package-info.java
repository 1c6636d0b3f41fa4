/**
 * {@code assetgrid}, the command-line client: the other side of the coordinator's HTTP API ({@code
 * /v1/...}), and nothing else. It lives under {@code coordinator/client} because the top level of
 * the project stays {@code pom.xml}, {@code node/}, {@code coordinator/}, {@code shared/}, {@code
 * bench/}, {@code deploy/} and {@code README.md}, and because it is versioned with the API it
 * speaks: a change of a resource and of its command land in one commit. It depends on no main code
 * of the coordinator, the node or {@code shared} (only the tests start a real grid), so its jar
 * stays small: picocli, Jackson, the JDK's HTTP client and a progress-bar library.
 *
 * <p>Layout: {@code config} finds the URL and key (flag, environment, file); {@code http} is the
 * one HTTP client, its errors, URL queries, the SSE reader and the tenant's resumable event stream;
 * {@code submit} finds model files, bundles side files, uploads (small ones in one request, big
 * ones through the resumable upload API) and follows jobs; {@code imports} asks the coordinator for
 * batch imports and follows one with its jobs; {@code progress} draws bars or plain lines; {@code
 * commands} holds the listing, admin and {@code events} commands.
 */
package dev.assetgrid.client;
