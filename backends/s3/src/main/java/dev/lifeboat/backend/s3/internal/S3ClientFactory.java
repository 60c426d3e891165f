package dev.lifeboat.backend.s3.internal;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the SDK client an {@link ObjectStore} uses from {@link S3Settings}: the HTTP client and
 * its timeouts, region, endpoint, credentials, checksums, and the deadlines and retry strategy
 * every call runs under.
 */
final class S3ClientFactory {
    private S3ClientFactory() {}

    /** Builds the SDK client the settings describe: deadlines, retries, endpoint and credentials. */
    static S3Client build(S3Settings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.socketTimeout()))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                // Lifeboat verifies every byte with its own CRC32C (frames, manifests, indexes);
                // SDK checksums only where S3 requires them keeps S3-compatible servers working.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new NoExpectContinue())
                        .apiCallTimeout(settings.apiCallTimeout())
                        .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build()));
        settings.endpoint().ifPresent(b::endpointOverride);
        return b.build();
    }

    /**
     * Drops {@code Expect: 100-continue}, which the SDK adds to uploads: with the JDK's
     * {@code HttpURLConnection} a keep-alive connection the server has closed then fails outside
     * the SDK's retry handling ("Unexpected end of file from server"), and the saving it offers (not
     * sending a body the server would refuse) is small for objects of a few MiB.
     */
    private static final class NoExpectContinue implements ExecutionInterceptor {
        @Override
        public SdkHttpRequest modifyHttpRequest(
                Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
            SdkHttpRequest request = context.httpRequest();
            return request.firstMatchingHeader("Expect").isPresent()
                    ? request.toBuilder().removeHeader("Expect").build()
                    : request;
        }
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.credentials().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        S3Settings.Credentials c = settings.credentials().get();
        return StaticCredentialsProvider.create(
                c.sessionToken().isPresent()
                        ? AwsSessionCredentials.create(
                                c.accessKeyId(),
                                c.secretAccessKey(),
                                c.sessionToken().get())
                        : AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()));
    }
}
