package cl2cm.data.tf;

import java.io.IOException;

/**
 * A protobuf wire-format reader for the few small messages of a TensorFlow tensor bundle (no generated code, no
 * protobuf dependency). Call {@link #next()} for each field, then read its value with the matching method.
 */
final class ProtoReader {
    private final byte[] buf;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() throws IOException {
        if (pos >= end) {
            return false;
        }
        tag = (int) varint();
        return true;
    }

    int position() {
        return pos;
    }

    int field() {
        return tag >>> 3;
    }

    long varint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IOException("truncated varint");
            }
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IOException("malformed varint");
    }

    int fixed32() throws IOException {
        if (pos + 4 > end) {
            throw new IOException("truncated fixed32");
        }
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** A length-delimited field as a reader over its bytes. */
    ProtoReader message() throws IOException {
        int len = (int) varint();
        if (len < 0 || pos + len > end) {
            throw new IOException("truncated length-delimited field");
        }
        ProtoReader r = new ProtoReader(buf, pos, pos + len);
        pos += len;
        return r;
    }

    /** Skips the value of the current field. */
    void skip() throws IOException {
        switch (tag & 7) {
            case 0 -> varint();
            case 1 -> pos += 8;
            case 2 -> message();
            case 5 -> pos += 4;
            default -> throw new IOException("unsupported wire type " + (tag & 7));
        }
        if (pos > end) {
            throw new IOException("truncated field");
        }
    }
}
