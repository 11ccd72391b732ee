package cl2cm.data.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** A WordPiece vocabulary: one token per line, the line number (from 0) is the id. Reads plain or .gz files. */
public final class Vocab {
    private final Map<String, Integer> ids;
    private final List<String> tokens;
    /** Where the tokens came from (a file name), for error messages. */
    private final String source;

    public Vocab(List<String> tokens) {
        this(tokens, "the vocabulary");
    }

    private Vocab(List<String> tokens, String source) {
        this.source = source;
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            ids.putIfAbsent(tokens.get(i), i);
        }
    }

    public static Vocab load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "vocabulary file not found");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return read(in, file.toString());
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": the name ends in .gz but the content is not gzip (" + e.getMessage() + ")");
        }
    }

    public static Vocab read(InputStream in, String name) throws IOException {
        byte[] bytes = in.readAllBytes();
        List<String> tokens = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                // Hugging Face strips only the line break; a token is the whole line.
                tokens.add(decoder.decode(java.nio.ByteBuffer.wrap(bytes, start, stop - start)).toString());
            } catch (CharacterCodingException e) {
                throw new IOException(name + ": line " + (tokens.size() + 1) + " is not valid UTF-8");
            }
            start = end + 1;
        }
        if (tokens.isEmpty()) {
            throw new IOException(name + ": empty vocabulary");
        }
        return new Vocab(tokens, name);
    }

    /** The id of a token, or -1. */
    public int id(String token) {
        Integer i = ids.get(token);
        return i == null ? -1 : i;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public int size() {
        return tokens.size();
    }

    /** The id of a special token that must exist. */
    public int required(String token) {
        int id = id(token);
        if (id < 0) {
            throw new IllegalArgumentException(source + ": vocabulary has no " + token + " token (a BERT vocabulary "
                    + "needs [PAD], [UNK], [CLS] and [SEP])");
        }
        return id;
    }

    public List<String> tokens() {
        return tokens;
    }
}
