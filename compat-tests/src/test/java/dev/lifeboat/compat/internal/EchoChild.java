package dev.lifeboat.compat.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/** A child for {@link ChildJvmTest}: prints what it was given, a partial line, and waits. */
public final class EchoChild {
    private EchoChild() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        ChildSupport.exitWhenParentDies();
        ChildSupport.emit("READY " + String.join(",", args));
        ChildSupport.emit("PROPERTY " + System.getProperty("chronicle.analytics.disable"));
        ChildSupport.emit("TMPDIR " + System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < 100; i++) {
            ChildSupport.emit("LINE " + i);
        }
        System.err.println("something on stderr");
        System.err.flush();
        try (FileOutputStream out = new FileOutputStream(FileDescriptor.out)) {
            out.write("PARTIAL without a newline".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(60_000);
        }
    }
}
