package dev.lifeboat.runtime.streaming;

/** Range checks shared by the sources. */
final class Ranges {
    private Ranges() {}

    static void check(long start, long end, long latest) {
        if (start < 0 || end < start || end > latest) {
            throw new IllegalArgumentException(
                    "bad offset range [" + start + ", " + end + "): the source holds [0, " + latest + ")");
        }
    }
}
