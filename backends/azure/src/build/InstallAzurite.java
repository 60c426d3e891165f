import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the Azurite blob emulator that the tests of this module start, into a folder the build
 * owns ({@code target/azurite}): {@code npm install azurite@<version>} with a pinned version,
 * nothing global. Run by the build as a single-file Java program (no compilation step), so it
 * works wherever Maven does and can fail with a message that says what to install.
 *
 * <p>Usage: {@code java InstallAzurite.java <folder> <version>}. Skips the install when the folder
 * already holds that version.
 */
public final class InstallAzurite {
    private InstallAzurite() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            fail("usage: InstallAzurite <folder> <version>");
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        String version = args[1];
        boolean windows = System.getProperty("os.name").toLowerCase().startsWith("windows");
        String node = windows ? "node.exe" : "node";
        String npm = windows ? "npm.cmd" : "npm";
        String nodeVersion = probe(node, "Node.js");
        probe(npm, "npm");
        Path marker = dir.resolve("node_modules/azurite/package.json");
        if (Files.exists(marker) && Files.readString(marker).contains("\"version\": \"" + version + "\"")) {
            System.out.println("[azurite] " + version + " already installed in " + dir);
            return;
        }
        Files.createDirectories(dir);
        // A package.json of its own, so npm installs here and not into a parent folder's project.
        Files.writeString(dir.resolve("package.json"),
                "{\"name\": \"lifeboat-azurite\", \"private\": true, \"description\": \"installed by the build\"}\n");
        System.out.println("[azurite] installing azurite@" + version + " into " + dir + " (node " + nodeVersion + ")");
        List<String> command = new ArrayList<>(List.of(npm, "install", "--prefix", dir.toString(), "--no-audit",
                "--no-fund", "--no-save", "--loglevel=error", "azurite@" + version));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("npm install azurite@" + version + " did not finish within 15 minutes");
        }
        if (p.exitValue() != 0) {
            fail("npm install azurite@" + version + " failed with exit code " + p.exitValue()
                    + " (is the npm registry reachable? see npm's output above)");
        }
        if (!Files.exists(marker)) {
            fail("npm install reported success but " + marker + " is missing");
        }
    }

    /** Runs {@code program --version}; fails with a clear message if it is not on PATH. */
    private static String probe(String program, String what) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("'" + program + " --version' failed: " + out);
            }
            return out;
        } catch (IOException e) {
            fail(what + " ('" + program + "') is not on PATH. The tests of backends/azure run against Azurite,"
                    + " which this build installs with npm: install Node.js 20 or newer with npm, or skip"
                    + " this module's tests with -DskipTests. (" + e.getMessage() + ")");
            return "";
        }
    }

    private static void fail(String message) {
        System.err.println("[azurite] ERROR: " + message);
        System.exit(1);
    }
}
