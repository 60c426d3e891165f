package dev.lifeboat.backend.s3.internal;

import static dev.lifeboat.backend.s3.internal.S3Failures.isPreconditionFailure;
import static dev.lifeboat.backend.s3.internal.S3Failures.isStatus;
import static dev.lifeboat.backend.s3.internal.S3Failures.readFailure;
import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.OutcomeUnknownException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 operations the stores need, over one SDK client, with the SDK's exceptions mapped to
 * what the stores act on:
 *
 * <ul>
 *   <li>a missing object is an empty {@link Optional}, never an exception;
 *   <li>a failed precondition ({@code 412}, or AWS's {@code 409 ConditionalRequestConflict}) on a
 *       conditional write is an empty result: the caller reads the object back and decides;
 *   <li>a write that may or may not have taken effect (a timeout or a dropped connection after
 *       the request was sent, a 5xx after the SDK's last retry) is {@link OutcomeUnknownException};
 *   <li>everything else is an {@link IOException} naming the operation and the key (also the
 *       {@link UncheckedIOException}s the JDK's HTTP client lets through the SDK).
 * </ul>
 *
 * <p>Deadlines and retries are the SDK's, configured once from {@link S3Settings} by {@link S3ClientFactory}: every call
 * has {@code apiCallTimeout} (all attempts) and {@code apiCallAttemptTimeout} (one attempt), and
 * the standard retry strategy makes {@code maxAttempts} attempts. Nothing here retries again.
 * Messages name buckets and keys, never credentials. Thread-safe.
 */
public final class ObjectStore implements Closeable {
    /** Striped locks for {@link #conditionalWriteLock}: bounded, whatever the number of keys. */
    private static final Object[] CONDITIONAL_WRITE_LOCKS = new Object[64];

    static {
        for (int i = 0; i < CONDITIONAL_WRITE_LOCKS.length; i++) {
            CONDITIONAL_WRITE_LOCKS[i] = new Object();
        }
    }

    private final S3Client client;
    private final S3Location location;
    private final S3Settings settings;

    /** An object read whole. */
    @SuppressWarnings("ArrayRecordComponent") // a read's result, never compared or hashed
    public record Blob(String key, byte[] bytes, String etag, Map<String, String> metadata) {
        public Blob {
            requireNonNull(key, "key is null");
            requireNonNull(bytes, "bytes is null");
            requireNonNull(etag, "etag is null");
            metadata = Map.copyOf(metadata);
        }
    }

    /** An object as listed or heads report it. */
    public record ObjectInfo(String key, long size, String etag, Map<String, String> metadata) {
        public ObjectInfo {
            requireNonNull(key, "key is null");
            requireNonNull(etag, "etag is null");
            metadata = Map.copyOf(metadata);
        }
    }

    /** A multipart upload in progress. */
    public record PendingUpload(String key, String uploadId, long initiatedMillis) {}

    public ObjectStore(S3Client client, S3Settings settings) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.location = settings.location();
    }

    /** Builds the SDK client the settings describe: deadlines, retries, endpoint and credentials. */
    public static ObjectStore open(S3Settings settings) {
        return new ObjectStore(S3ClientFactory.build(settings), settings);
    }

    public S3Location location() {
        return location;
    }

    public S3Settings settings() {
        return settings;
    }

    /** The key of {@code relative} under the store's prefix. */
    public String key(String relative) {
        return location.key(relative);
    }

    /** How the key appears in messages: {@code s3://bucket/key}. */
    public String describe(String key) {
        return describe(location.bucket(), key);
    }

    static String describe(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    // ---------------------------------------------------------------- reads

    /** Reads a whole object, or empty if it does not exist. */
    public Optional<Blob> get(String key) throws IOException {
        return get(location.bucket(), key);
    }

    public Optional<Blob> get(String bucket, String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> r = client.getObjectAsBytes(
                    GetObjectRequest.builder().bucket(bucket).key(key).build());
            return Optional.of(new Blob(
                    key,
                    r.asByteArrayUnsafe(),
                    r.response().eTag(),
                    r.response().metadata()));
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return Optional.empty();
            }
            throw readFailure("GET", bucket, key, e);
        }
    }

    /**
     * Reads {@code length > 0} bytes at {@code offset} with a ranged GET; fewer if the object is
     * shorter. Empty if the object does not exist.
     */
    public Optional<byte[]> getRange(String bucket, String key, long offset, long length) throws IOException {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
        }
        try {
            ResponseBytes<GetObjectResponse> r = client.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(bucket)
                    .key(key)
                    .range("bytes=" + offset + "-" + (offset + length - 1))
                    .build());
            return Optional.of(r.asByteArrayUnsafe());
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return Optional.empty();
            }
            if (isStatus(e, 416)) {
                return Optional.of(new byte[0]); // the object ends before offset
            }
            throw readFailure("GET (range)", bucket, key, e);
        }
    }

    /**
     * Opens an object's bytes as a stream, from {@code offset} for {@code length} bytes (or to its
     * end if {@code length < 0}). Reads are bounded by the socket timeout.
     */
    public Optional<InputStream> openStream(String bucket, String key, long offset, long length) throws IOException {
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key);
        if (offset > 0 || length >= 0) {
            req.range("bytes=" + offset + "-" + (length >= 0 ? String.valueOf(offset + length - 1) : ""));
        }
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(req.build());
            return Optional.of(new SdkSafeInputStream(in, describe(bucket, key)));
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return Optional.empty();
            }
            if (isStatus(e, 416)) {
                return Optional.of(InputStream.nullInputStream());
            }
            throw readFailure("GET", bucket, key, e);
        }
    }

    /** The object's size, ETag and user metadata, or empty if it does not exist. */
    public Optional<ObjectInfo> head(String key) throws IOException {
        return head(location.bucket(), key);
    }

    public Optional<ObjectInfo> head(String bucket, String key) throws IOException {
        try {
            HeadObjectResponse r = client.headObject(
                    HeadObjectRequest.builder().bucket(bucket).key(key).build());
            return Optional.of(new ObjectInfo(key, r.contentLength(), r.eTag(), r.metadata()));
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return Optional.empty();
            }
            throw readFailure("HEAD", bucket, key, e);
        }
    }

    /** Every object whose key starts with {@code keyPrefix}, in key order (all pages). */
    public List<ObjectInfo> list(String keyPrefix) throws IOException {
        return list(location.bucket(), keyPrefix, Integer.MAX_VALUE);
    }

    /** At most {@code limit} objects whose key starts with {@code keyPrefix}, in key order. */
    public List<ObjectInfo> list(String bucket, String keyPrefix, int limit) throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Response r = client.listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(bucket)
                        .prefix(keyPrefix)
                        .continuationToken(token)
                        .maxKeys(Math.min(1000, limit - out.size()))
                        .build());
                for (S3Object o : r.contents()) {
                    out.add(new ObjectInfo(o.key(), o.size(), o.eTag() == null ? "" : o.eTag(), Map.of()));
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null && out.size() < limit);
        } catch (SdkException | UncheckedIOException e) {
            throw readFailure("LIST", bucket, keyPrefix + "*", e);
        }
        return out;
    }

    /** Every object whose key starts with {@code keyPrefix} and sorts after {@code startAfter}, in key order. */
    public List<ObjectInfo> listAfter(String keyPrefix, String startAfter) throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Response r = client.listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(location.bucket())
                        .prefix(keyPrefix)
                        .startAfter(startAfter)
                        .continuationToken(token)
                        .build());
                for (S3Object o : r.contents()) {
                    out.add(new ObjectInfo(o.key(), o.size(), o.eTag() == null ? "" : o.eTag(), Map.of()));
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException | UncheckedIOException e) {
            throw readFailure("LIST", location.bucket(), keyPrefix + "* after " + startAfter, e);
        }
        return out;
    }

    /** The distinct "folders" just below {@code keyPrefix} (which ends with {@code /}), in key order. */
    public List<String> listFolders(String keyPrefix) throws IOException {
        List<String> out = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Response r = client.listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(location.bucket())
                        .prefix(keyPrefix)
                        .delimiter("/")
                        .continuationToken(token)
                        .build());
                for (CommonPrefix p : r.commonPrefixes()) {
                    out.add(p.prefix());
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException | UncheckedIOException e) {
            throw readFailure("LIST", location.bucket(), keyPrefix + "*/", e);
        }
        return out;
    }

    // ---------------------------------------------------------------- writes

    /** Writes an object unconditionally (a key only this writer uses). */
    public String put(String key, byte[] bytes, Map<String, String> metadata) throws IOException {
        return putRequest(
                        PutObjectRequest.builder()
                                .bucket(location.bucket())
                                .key(key)
                                .metadata(metadata),
                        key,
                        bytes)
                .orElseThrow(
                        () -> new IOException("S3 PUT " + describe(key) + " failed a precondition it did not set"));
    }

    /**
     * Creates an object if no object has its key ({@code If-None-Match: *}).
     *
     * @return the new ETag, or empty if the key exists (or a conflicting write was in progress)
     * @throws OutcomeUnknownException if the request may or may not have taken effect
     */
    public Optional<String> putIfAbsent(String key, byte[] bytes, Map<String, String> metadata) throws IOException {
        synchronized (conditionalWriteLock(key)) {
            return putRequest(
                    PutObjectRequest.builder()
                            .bucket(location.bucket())
                            .key(key)
                            .metadata(metadata)
                            .ifNoneMatch("*"),
                    key,
                    bytes);
        }
    }

    /**
     * Conditional writes to one object from this JVM are made one at a time. On AWS S3 a
     * conditional PUT is atomic and this costs nothing; some S3-compatible servers (S3Proxy among
     * them) check the condition and then write, so two writers in one process could both pass
     * the same {@code If-Match} and both believe they won (seen: two leaderships with one epoch).
     * Writers in different processes still rely on the server, as they must.
     */
    private Object conditionalWriteLock(String key) {
        return CONDITIONAL_WRITE_LOCKS[
                Math.floorMod((location.bucket() + "/" + key).hashCode(), CONDITIONAL_WRITE_LOCKS.length)];
    }

    /**
     * Replaces an object if its ETag is still {@code etag} ({@code If-Match}): compare-and-set.
     *
     * @return the new ETag, or empty if the object changed or vanished
     * @throws OutcomeUnknownException if the request may or may not have taken effect
     */
    public Optional<String> putIfMatch(String key, byte[] bytes, String etag, Map<String, String> metadata)
            throws IOException {
        requireNonNull(etag, "etag is null");
        synchronized (conditionalWriteLock(key)) {
            return putRequest(
                    PutObjectRequest.builder()
                            .bucket(location.bucket())
                            .key(key)
                            .metadata(metadata)
                            .ifMatch(etag),
                    key,
                    bytes);
        }
    }

    private Optional<String> putRequest(PutObjectRequest.Builder request, String key, byte[] bytes) throws IOException {
        try {
            return Optional.of(
                    client.putObject(request.contentLength((long) bytes.length).build(), RequestBody.fromBytes(bytes))
                            .eTag());
        } catch (SdkException | UncheckedIOException e) {
            if (isPreconditionFailure(e)) {
                return Optional.empty();
            }
            throw writeFailure("PUT", key, e);
        }
    }

    /** Deletes an object; deleting a missing object succeeds. */
    public void delete(String key) throws IOException {
        delete(location.bucket(), key);
    }

    public void delete(String bucket, String key) throws IOException {
        try {
            client.deleteObject(
                    DeleteObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return;
            }
            throw writeFailure("DELETE", key, e);
        }
    }

    /** Deletes every object whose key starts with {@code keyPrefix}; returns how many were listed. */
    public int deleteAll(String keyPrefix) throws IOException {
        List<ObjectInfo> objects = list(keyPrefix);
        for (ObjectInfo o : objects) {
            delete(o.key());
        }
        return objects.size();
    }

    // ---------------------------------------------------------------- multipart

    public String createMultipartUpload(String key) throws IOException {
        try {
            return client.createMultipartUpload(CreateMultipartUploadRequest.builder()
                            .bucket(location.bucket())
                            .key(key)
                            .build())
                    .uploadId();
        } catch (SdkException | UncheckedIOException e) {
            throw writeFailure("CreateMultipartUpload", key, e);
        }
    }

    public CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] bytes, int length)
            throws IOException {
        try {
            String etag = client.uploadPart(
                            UploadPartRequest.builder()
                                    .bucket(location.bucket())
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(partNumber)
                                    .contentLength((long) length)
                                    .build(),
                            RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes, 0, length)))
                    .eTag();
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        } catch (SdkException | UncheckedIOException e) {
            throw writeFailure("UploadPart " + partNumber + " of", key, e);
        }
    }

    public String completeMultipartUpload(String key, String uploadId, List<CompletedPart> parts) throws IOException {
        try {
            return client.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                            .bucket(location.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts))
                            .build())
                    .eTag();
        } catch (SdkException | UncheckedIOException e) {
            throw writeFailure("CompleteMultipartUpload", key, e);
        }
    }

    public void abortMultipartUpload(String key, String uploadId) throws IOException {
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                    .bucket(location.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .build());
        } catch (SdkException | UncheckedIOException e) {
            if (isStatus(e, 404)) {
                return; // already aborted or completed
            }
            throw writeFailure("AbortMultipartUpload", key, e);
        }
    }

    /** Multipart uploads in progress under {@code keyPrefix}. */
    public List<PendingUpload> listMultipartUploads(String keyPrefix) throws IOException {
        List<PendingUpload> out = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        try {
            while (true) {
                ListMultipartUploadsResponse r = client.listMultipartUploads(ListMultipartUploadsRequest.builder()
                        .bucket(location.bucket())
                        .prefix(keyPrefix)
                        .keyMarker(keyMarker)
                        .uploadIdMarker(idMarker)
                        .build());
                for (MultipartUpload u : r.uploads()) {
                    out.add(new PendingUpload(
                            u.key(),
                            u.uploadId(),
                            u.initiated() == null ? 0 : u.initiated().toEpochMilli()));
                }
                if (!Boolean.TRUE.equals(r.isTruncated())) {
                    return out;
                }
                keyMarker = r.nextKeyMarker();
                idMarker = r.nextUploadIdMarker();
            }
        } catch (SdkException | UncheckedIOException e) {
            throw readFailure("ListMultipartUploads", location.bucket(), keyPrefix + "*", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    // ---------------------------------------------------------------- errors

    private IOException writeFailure(String op, String key, RuntimeException e) {
        return S3Failures.writeFailure(op, location.bucket(), key, e);
    }
}
