package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.lifeboat.spi.OutcomeUnknownException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The blobs of one store: a container and a name prefix, reached through one SDK client whose
 * retries (attempts, per-attempt deadline) are configured once, here. Every call made through this
 * class also carries the whole-call deadline. SDK failures become {@link IOException}s whose
 * messages name the blob and the HTTP status, never a credential; a write whose answer was lost
 * (a timeout, a dropped connection) becomes {@link OutcomeUnknownException} where the caller says
 * so.
 */
public final class Blobs implements Closeable {
    /** A blob's bytes and its ETag. */
    @SuppressWarnings("ArrayRecordComponent") // a read's result, never compared or hashed
    public record Blob(byte[] bytes, String etag) {}

    /** One listed blob. */
    public record Item(String name, long size, boolean sealed) {
        public Item(String name, long size) {
            this(name, size, false);
        }
    }

    private final AzureSettings settings;
    private final BlobServiceClient service;
    private final BlobContainerClient container;

    private Blobs(AzureSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.service = client(settings);
        this.container = service.getBlobContainerClient(settings.container());
    }

    /** A client for the store at {@code settings}; connects lazily. */
    public static Blobs open(AzureSettings settings) {
        return new Blobs(settings);
    }

    private static BlobServiceClient client(AzureSettings s) {
        HttpClient http = new JdkHttpClientBuilder()
                .connectionTimeout(s.connectTimeout())
                .responseTimeout(s.tryTimeout())
                .readTimeout(s.tryTimeout())
                .writeTimeout(s.tryTimeout())
                .build();
        // The only retry layer: the SDK's, with the per-attempt deadline; callers never retry a call.
        RequestRetryOptions retry = new RequestRetryOptions(
                RetryPolicyType.EXPONENTIAL,
                s.maxAttempts(),
                s.tryTimeout(),
                Duration.ofMillis(200),
                Duration.ofSeconds(4),
                null);
        BlobServiceClientBuilder b =
                new BlobServiceClientBuilder().httpClient(http).retryOptions(retry);
        AzureSettings.Credentials c = s.credentials();
        if (c instanceof AzureSettings.Credentials.ConnectionString cs) {
            b.connectionString(cs.value());
            s.endpoint().ifPresent(e -> b.endpoint(e.toString()));
        } else if (c instanceof AzureSettings.Credentials.AccountKey k) {
            b.endpoint(s.endpointOrDefault().toString())
                    .credential(new StorageSharedKeyCredential(s.account(), k.value()));
        } else if (c instanceof AzureSettings.Credentials.Sas sas) {
            b.endpoint(s.endpointOrDefault().toString()).sasToken(sas.value());
        } else {
            b.endpoint(s.endpointOrDefault().toString())
                    .credential(
                            new DefaultAzureCredentialBuilder().httpClient(http).build());
        }
        return b.buildClient();
    }

    public AzureSettings settings() {
        return settings;
    }

    /** The full blob name of {@code name} (relative to the store's prefix). */
    public String key(String name) {
        return settings.prefix() + name;
    }

    /** {@code azblob://account/container/prefix+name}, for messages. */
    public String describe(String name) {
        return settings.location() + name;
    }

    public String location() {
        return settings.location();
    }

    public BlobClient blob(String name) {
        return container.getBlobClient(key(name));
    }

    public BlockBlobClient blockBlob(String name) {
        return blob(name).getBlockBlobClient();
    }

    public Duration callTimeout() {
        return settings.callTimeout();
    }

    public Optional<Blob> get(String name) throws IOException {
        try {
            BlobDownloadContentResponse r = call(
                    "read",
                    name,
                    () -> blob(name).downloadContentWithResponse(null, null, callTimeout(), Context.NONE));
            return Optional.of(
                    new Blob(r.getValue().toBytes(), r.getDeserializedHeaders().getETag()));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** Reads {@code length} bytes at {@code offset} (fewer if the blob ends first). */
    public byte[] getRange(String name, long offset, long length) throws IOException {
        if (length == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
        try {
            call(
                    "read",
                    name,
                    () -> blob(name)
                            .downloadStreamWithResponse(
                                    out,
                                    new BlobRange(offset, length),
                                    null,
                                    null,
                                    false,
                                    callTimeout(),
                                    Context.NONE));
        } catch (IOException e) {
            if (e instanceof NotFound
                    || !(e.getCause() instanceof BlobStorageException b)
                    || b.getStatusCode() != 416) {
                throw e;
            }
            return new byte[0]; // range past the end
        }
        return out.toByteArray();
    }

    public Optional<BlobProperties> head(String name) throws IOException {
        try {
            return Optional.of(call(
                            "read the properties of",
                            name,
                            () -> blob(name).getPropertiesWithResponse(null, callTimeout(), Context.NONE))
                    .getValue());
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** Streams the whole blob (ranged reads, each attempt under the per-attempt deadline). */
    public Optional<InputStream> openStream(String name) throws IOException {
        try {
            return Optional.of(call(
                    "read",
                    name,
                    () -> blob(name)
                            .openInputStream(new BlobInputStreamOptions().setBlockSize(4 << 20), Context.NONE)));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** Writes a block blob unconditionally (names under a unique attempt prefix). */
    public String put(String name, byte[] bytes) throws IOException {
        return write(name, bytes, new BlobRequestConditions(), false).orElseThrow();
    }

    /**
     * Creates a block blob if none exists ({@code If-None-Match: *}).
     *
     * @return its ETag, or empty if a blob was there (409 or 412)
     * @throws OutcomeUnknownException if the answer was lost
     */
    public Optional<String> putIfAbsent(String name, byte[] bytes) throws IOException {
        return write(name, bytes, new BlobRequestConditions().setIfNoneMatch("*"), true);
    }

    /**
     * Replaces a blob if its ETag is {@code etag} ({@code If-Match}), optionally under a lease.
     *
     * @return its new ETag, or empty if the condition failed (412) or the blob is gone (404)
     * @throws OutcomeUnknownException if the answer was lost
     */
    public Optional<String> putIfMatch(String name, byte[] bytes, String etag, String leaseId) throws IOException {
        return write(name, bytes, new BlobRequestConditions().setIfMatch(etag).setLeaseId(leaseId), true);
    }

    private Optional<String> write(String name, byte[] bytes, BlobRequestConditions conditions, boolean conditional)
            throws IOException {
        try {
            Response<BlockBlobItem> r = callWrite(
                    "write",
                    name,
                    () -> blockBlob(name)
                            .uploadWithResponse(
                                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
                                            .setRequestConditions(conditions),
                                    callTimeout(),
                                    Context.NONE));
            return Optional.of(r.getValue().getETag());
        } catch (ConditionFailed | NotFound e) {
            if (!conditional) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Deletes a blob. @return whether it existed */
    public boolean delete(String name) throws IOException {
        return call(
                        "delete",
                        name,
                        () -> blob(name)
                                .deleteIfExistsWithResponse(
                                        DeleteSnapshotsOptionType.INCLUDE, null, callTimeout(), Context.NONE))
                .getValue();
    }

    /** Deletes every blob whose name starts with {@code prefix}. */
    public void deleteAll(String prefix) throws IOException {
        for (Item item : list(prefix)) {
            delete(item.name());
        }
    }

    /** The blobs whose names start with {@code prefix}, by name (relative to the store's prefix). */
    public List<Item> list(String prefix) throws IOException {
        String full = key(prefix);
        return call("list", prefix + "*", () -> {
            List<Item> items = new ArrayList<>();
            for (BlobItem b : container.listBlobs(new ListBlobsOptions().setPrefix(full), callTimeout())) {
                items.add(new Item(
                        b.getName().substring(settings.prefix().length()),
                        b.getProperties().getContentLength(),
                        Boolean.TRUE.equals(b.getProperties().isSealed())));
            }
            return items;
        });
    }

    /** The immediate "folders" (names ending in {@code /}) under {@code prefix}. */
    public List<String> listFolders(String prefix) throws IOException {
        String full = key(prefix);
        return call("list", prefix + "*/", () -> {
            List<String> folders = new ArrayList<>();
            for (BlobItem b :
                    container.listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(full), callTimeout())) {
                if (Boolean.TRUE.equals(b.isPrefix())) {
                    folders.add(b.getName().substring(settings.prefix().length()));
                }
            }
            return folders;
        });
    }

    /** A blob that is not there (404). */
    public static final class NotFound extends IOException {
        private static final long serialVersionUID = 1L;

        NotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A condition that failed: 409 (already exists, lease conflicts) or 412 (precondition failed). */
    public static final class ConditionFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        ConditionFailed(String message, int status, String code, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        /** The service's error code, e.g. {@code BlobAlreadyExists}, {@code LeaseIdMismatchWithBlobOperation}. */
        public String code() {
            return code;
        }
    }

    /** Runs a read or an idempotent call; every failure is an {@link IOException}. */
    public <T> T call(String what, String name, Supplier<T> call) throws IOException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(what, name, e, false);
        }
    }

    /** Runs a write whose lost answer leaves its outcome unknown. */
    public <T> T callWrite(String what, String name, Supplier<T> call) throws IOException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(what, name, e, true);
        }
    }

    private IOException translate(String what, String name, RuntimeException e, boolean ambiguous) {
        String where = describe(name);
        if (e instanceof BlobStorageException b) {
            String code = b.getErrorCode() == null ? "" : b.getErrorCode().toString();
            String message = "could not " + what + " " + where + ": HTTP " + b.getStatusCode()
                    + (code.isEmpty() ? "" : " " + code);
            if (b.getStatusCode() == 404) {
                return new NotFound(message, b);
            }
            if (b.getStatusCode() == 409 || b.getStatusCode() == 412) {
                return new ConditionFailed(message, b.getStatusCode(), code, b);
            }
            if (ambiguous && b.getStatusCode() >= 500) {
                return new OutcomeUnknownException(message + " (the write may or may not have taken effect)", b);
            }
            return new IOException(message, b);
        }
        Throwable cause = e;
        while (cause != null && !(cause instanceof TimeoutException) && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        if (cause == null) {
            throw e; // a bug, not a storage failure
        }
        if (cause instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
            InterruptedIOException ie = new InterruptedIOException("interrupted while trying to " + what + " " + where);
            ie.initCause(e);
            if (!ambiguous) {
                return ie;
            }
        }
        String message = "could not " + what + " " + where + ": "
                + (cause instanceof TimeoutException
                        ? "no answer within the deadline"
                        : "connection failed (" + cause.getClass().getSimpleName() + ")");
        if (ambiguous) {
            return new OutcomeUnknownException(message + "; the write may or may not have taken effect", e);
        }
        return e instanceof UncheckedIOException u
                ? new IOException(message, u.getCause())
                : new IOException(message, e);
    }

    @Override
    public void close() {
        // The JDK HttpClient holds no resource that outlives its last request.
    }
}
