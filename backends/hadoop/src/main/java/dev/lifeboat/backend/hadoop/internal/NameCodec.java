package dev.lifeboat.backend.hadoop.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns one segment of a validated name (a checkpoint id segment) into a file name that every
 * Hadoop file system accepts, and back. Letters, digits, {@code -} and {@code _} are kept, and
 * {@code .} except at the start; every other byte of the UTF-8 form becomes {@code +XX}. So an
 * encoded segment never contains {@code @} (reserved for Lifeboat's own names), never starts
 * with {@code .} (hidden or reserved on some file systems, such as HDFS's {@code .snapshot}) and
 * never contains {@code :} (which Hadoop paths reject).
 */
final class NameCodec {
    private NameCodec() {}

    static String encode(String segment) {
        StringBuilder b = new StringBuilder(segment.length());
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || (c == '.' && i > 0);
            if (plain) {
                b.append((char) c);
            } else {
                b.append('+')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** @throws IllegalArgumentException if {@code encoded} is not an encoded segment */
    static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("not an encoded name: '" + encoded + "'");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("not an encoded name: '" + encoded + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
