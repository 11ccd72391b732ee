package cl2cm.data.io;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.Split;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Imports the raw Multi30K task-1 release: per split, line-aligned caption files {@code <split>.<lang>[.gz]} and the
 * image file names ({@code <split>.images.txt}, or {@code image_splits/<split>.txt}). Splits: train, val and
 * test_2016_flickr (written as "test"). Each image gets the caption of every language as a human caption (tags
 * "en", "de", ...); visual ids are the image names without extension. Images or features are not part of the
 * release: point NRCCR readers at an images/ folder or BigFile of your own.
 */
public final class Multi30kImporter {
    private static final Map<String, String> SPLITS = new LinkedHashMap<>();

    static {
        SPLITS.put("train", "train");
        SPLITS.put("val", "val");
        SPLITS.put("test_2016_flickr", "test");
    }

    private Multi30kImporter() {
    }

    /** Reads the release in {@code raw} for the given languages; splits that are absent are skipped. */
    public static Dataset read(Path raw, List<String> languages) throws IOException {
        Map<String, Split> splits = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : SPLITS.entrySet()) {
            Path names = raw.resolve(e.getKey() + ".images.txt");
            if (!Files.exists(names)) {
                names = raw.resolve("image_splits").resolve(e.getKey() + ".txt");
            }
            if (!Files.exists(names)) {
                continue;
            }
            List<String> images = lines(names);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                String img = images.get(i).trim();
                if (img.isEmpty()) {
                    throw new IOException(names + ":" + (i + 1) + ": empty image name");
                }
                int dot = img.lastIndexOf('.');
                ids.add(dot > 0 ? img.substring(0, dot) : img);
            }
            List<Caption> caps = new ArrayList<>();
            for (String lang : languages) {
                Path f = captionFile(raw, e.getKey(), lang);
                List<String> text = lines(f);
                if (text.size() != ids.size()) {
                    throw new IOException(f + ": " + text.size() + " captions, but " + names + " lists " + ids.size()
                            + " images (the files must be line-aligned)");
                }
                for (int i = 0; i < ids.size(); i++) {
                    String t = text.get(i).strip();
                    if (t.isEmpty()) {
                        throw new IOException(f + ":" + (i + 1) + ": empty caption");
                    }
                    caps.add(new Caption(ids.get(i), lang, 0, t));
                }
            }
            try {
                splits.put(e.getValue(), new Split(e.getValue(), ids, null, null, caps));
            } catch (IllegalArgumentException ex) {
                throw new IOException(names + ": " + ex.getMessage(), ex);
            }
        }
        if (splits.isEmpty()) {
            throw new IOException(raw + ": no Multi30K split found (expected train.images.txt or image_splits/train.txt, "
                    + "and train.en.gz ...)");
        }
        return new Dataset("multi30k", splits);
    }

    private static Path captionFile(Path raw, String split, String lang) throws IOException {
        for (Path p : new Path[]{raw.resolve(split + "." + lang + ".gz"), raw.resolve(split + "." + lang)}) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IOException(raw + ": no " + split + "." + lang + "(.gz) caption file");
    }

    /** Lines of a UTF-8 (optionally gzip'd) text file; invalid UTF-8 is an error naming file and line. */
    static List<String> lines(Path f) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(f + ": not valid UTF-8 near line " + (out.size() + 1));
        }
        return out;
    }
}
