package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The emulator the other tests rely on is the one the build installed, runs, and answers a
 * conditional create the way the stores need: {@code If-None-Match: *} on an existing blob is
 * refused with 409 BlobAlreadyExists.
 */
class AzuriteTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Test
    void conditionalCreateOfAnExistingBlobIsRefused() {
        BlobClient blob = AZURITE.container().getBlobClient("smoke/" + UUID.randomUUID());
        BlobParallelUploadOptions create = new BlobParallelUploadOptions(BinaryData.fromString("first"))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        blob.uploadWithResponse(create, null, null);
        BlobStorageException e = catchThrowableOfType(
                BlobStorageException.class,
                () -> blob.uploadWithResponse(
                        new BlobParallelUploadOptions(BinaryData.fromString("second"))
                                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                        null,
                        null));
        assertThat(e.getStatusCode()).isEqualTo(409);
        assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.BLOB_ALREADY_EXISTS);
        assertThat(blob.downloadContent().toString()).isEqualTo("first");
        assertThat(AZURITE.port()).isPositive();
    }
}
