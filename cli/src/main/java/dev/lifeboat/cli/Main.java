package dev.lifeboat.cli;

import dev.lifeboat.cli.tck.Tck;
import dev.lifeboat.runtime.demo.StreamingDemo;
import dev.lifeboat.runtime.demo.WordCountDemo;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code lifeboat} command. Each subcommand returns an exit code; {@code main} exits with it.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "inspect" -> new Inspect(out).run(rest);
                case "demo" -> demo(rest, out);
                case "tck" -> new Tck(out).run(rest);
                case "capabilities" -> Capabilities.run(rest, out);
                case "--classpath" ->
                    throw new IllegalArgumentException(
                            "is read by the launcher (bin/lifeboat or ./lifeboat), which puts the jars on the JVM's class "
                                    + "path; running this class directly, add them to -cp instead");
                default -> {
                    err.println("lifeboat: unknown command '" + args[0] + "'");
                    usage(err);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("lifeboat " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("lifeboat " + args[0] + ": " + e);
            return 1;
        }
    }

    private static int demo(String[] args, PrintStream out) {
        if (args.length > 0 && args[0].equals("streaming")) {
            return StreamingDemo.run(out, Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("batch")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        return WordCountDemo.run(out, args);
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: lifeboat [--classpath JARS] <command> [arguments]

                The command carries every backend the project ships (file:, hdfs: and other
                Hadoop file systems as hadoop:, chronicle:, s3:, azblob:, zk:). Third-party backends: jars
                named by --classpath (':'-separated), LIFEBOAT_CLASSPATH or put in plugins/.

                commands:
                  demo [--shuffle-store URI] [--checkpoint-store URI] [--option key=value]...
                      A word count on four in-JVM executors, with an executor loss, a lost shuffle
                      block, a twice-failing task and a straggler injected; prints the recovery
                      timeline and checks the result against a fault-free run (exit code 1 if
                      they differ). Stores: local temporary directories unless named.
                  demo streaming [--wal URI] [--checkpoint-store URI] [--election URI] [--option key=value]...
                      Two driver processes under leader election, a receiver stream written
                      to a WAL, the leader killed with SIGKILL, the standby taking over; prints
                      the timeline and checks the counts are exactly once (exit code 1 if not).
                      A store whose server cannot be reached is named within 20 s.
                  inspect [--kind wal|checkpoints|shuffle] [--option key=value]... <uri>
                      List what is stored at <uri> (WAL segments, checkpoints, shuffle outputs),
                      verify every checksum, and report torn tails and corruption with their
                      location. Exit code 0: intact; 1: damage found; 2: usage or access error.
                  tck <uri> [--contract wal|checkpoint|shuffle|election]... [--option key=value]...
                      [--tests REGEX] [--verbose]
                      Run the compatibility kit against the backend serving <uri> (every contract
                      it serves, or those named; each test under <uri>/tck-<random>); print
                      passed/skipped/failed per contract, every skip's reason and every failure's
                      first line. Options go to each provider that accepts them. --tests: only
                      test methods whose name matches. Exit code 1 if a test failed.
                  capabilities [--write FILE]
                      The capabilities every backend the command carries declares (so which kit
                      tests it skips), as Markdown. --write FILE: regenerate that part of
                      docs/capabilities.md, keeping its kit results (the CLI's tests write those).
                  help
                      This text.""");
    }
}
