package org.iefvad.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes NumPy .npy files (version 1/2, little-endian float32 or uint8, C order). */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Header and raw little-endian payload of one file. */
    public record Raw(String descr, int[] shape, ByteBuffer payload) {
        public long count() {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    public static Raw readRaw(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
        if (bytes.length < 10) {
            throw new IOException(file + ": not a .npy file (only " + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IOException(file + ": not a .npy file (bad magic)");
            }
        }
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            offset = 10;
        } else {
            headerLen = bb.getInt(8);
            offset = 12;
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IOException(file + ": unreadable .npy header: " + header.trim());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported");
        }
        String[] parts = s.group(1).split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            if (!p.isBlank()) {
                shape[n++] = Integer.parseInt(p.trim());
            }
        }
        int[] dims = java.util.Arrays.copyOf(shape, n);
        ByteBuffer payload = ByteBuffer.wrap(bytes, offset + headerLen, bytes.length - offset - headerLen)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        Raw raw = new Raw(d.group(1), dims, payload);
        int itemSize = switch (raw.descr()) {
            case "<f4", "<i4", "<u4" -> 4;
            case "|u1", "<u1", "|i1" -> 1;
            case "<f8", "<i8" -> 8;
            default -> throw new IOException(file + ": unsupported dtype " + raw.descr());
        };
        if ((long) payload.remaining() < raw.count() * itemSize) {
            throw new IOException(file + ": truncated: shape " + java.util.Arrays.toString(dims) + " needs "
                    + raw.count() * itemSize + " bytes, file has " + payload.remaining());
        }
        return raw;
    }

    /** Reads a float array (float32, or float64 narrowed). */
    public static FloatTensor readFloat(Path file) throws IOException {
        Raw raw = readRaw(file);
        int n = (int) raw.count();
        float[] out = new float[n];
        switch (raw.descr()) {
            case "<f4" -> raw.payload().asFloatBuffer().get(out);
            case "<f8" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) raw.payload().getDouble(i * 8);
                }
            }
            default -> throw new IOException(file + ": expected float32, found dtype " + raw.descr());
        }
        return new FloatTensor(raw.shape(), out);
    }

    /** Reads a uint8 array. */
    public static byte[] readU8(Path file, int[] shapeOut) throws IOException {
        Raw raw = readRaw(file);
        if (!raw.descr().endsWith("u1")) {
            throw new IOException(file + ": expected uint8, found dtype " + raw.descr());
        }
        byte[] out = new byte[(int) raw.count()];
        raw.payload().get(out);
        if (shapeOut != null) {
            System.arraycopy(raw.shape(), 0, shapeOut, 0, Math.min(shapeOut.length, raw.shape().length));
        }
        return out;
    }

    public static int[] shapeOf(Path file) throws IOException {
        return readRaw(file).shape();
    }

    public static void write(Path file, FloatTensor t) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.shape().length; i++) {
            shape.append(t.shape()[i]);
            if (t.shape().length == 1 || i < t.shape().length - 1) {
                shape.append(", ");
            }
        }
        shape.append(")");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(pad)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + h.length + 4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        bb.asFloatBuffer().put(t.data());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, bb.array());
    }
}
