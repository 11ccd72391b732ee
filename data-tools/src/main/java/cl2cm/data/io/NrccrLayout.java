package cl2cm.data.io;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.ImageSet;
import cl2cm.data.Split;
import cl2cm.engine.io.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dataset layout of the NRCCR code (same authors as CL2CM):
 * <pre>
 * root/collection/TextData/&lt;collection&gt;&lt;split&gt;_&lt;tag&gt;.caption.txt   "&lt;visual_id&gt;#&lt;tag&gt;#&lt;k&gt; &lt;caption&gt;" per line
 * root/collection/images/&lt;visual_id&gt;.png|jpg                     images, or
 * root/collection/FeatureData/&lt;split&gt;/{shape.txt,id.txt,feature.bin}   a BigFile: "N D", ids, float32 rows, or
 * root/collection/FeatureData/&lt;split&gt;.npy                      N x D float32, rows in the split's id order
 * </pre>
 * A split's visual items are the ids of its captions in order of first appearance. Every file is written atomically;
 * the reader checks everything and names the file and line of the first problem.
 */
public final class NrccrLayout {
    private static final Pattern FILE = Pattern.compile("(.+?)(train|val|test)_([A-Za-z0-9_]+)\\.caption\\.txt");
    private static final Pattern LINE = Pattern.compile("([^#\\s]+)#([A-Za-z0-9_]+)#(\\d+) (.*)");

    private NrccrLayout() {
    }

    public static Path captionFile(Path root, String collection, String split, String tag) {
        return root.resolve(collection).resolve("TextData").resolve(collection + split + "_" + tag + ".caption.txt");
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** Writes captions (one file per split and tag) and images (PNG) or features (BigFile per split). */
    public static void write(Dataset ds, Path root) throws IOException {
        Path base = root.resolve(ds.collection());
        for (Split s : ds.splits().values()) {
            for (String tag : s.tags()) {
                StringBuilder sb = new StringBuilder();
                for (Caption c : s.captions(tag)) {
                    sb.append(c.id()).append(' ').append(c.text()).append('\n');
                }
                AtomicFile.writeString(captionFile(root, ds.collection(), s.name(), tag), sb.toString());
            }
            if (s.images() != null) {
                Path dir = base.resolve("images");
                for (int i = 0; i < s.size(); i++) {
                    BufferedImage img = s.images().picture(i);
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    AtomicFile.write(dir.resolve(s.ids().get(i) + ".png"), out -> png.writeTo(out));
                }
            }
            if (s.features() != null) {
                writeBigFile(base.resolve("FeatureData").resolve(s.name()), s.ids(), s.features());
            }
        }
    }

    public static void writeBigFile(Path dir, List<String> ids, float[][] rows) throws IOException {
        int d = rows.length == 0 ? 0 : rows[0].length;
        AtomicFile.writeString(dir.resolve("shape.txt"), rows.length + " " + d + "\n");
        AtomicFile.writeString(dir.resolve("id.txt"), String.join(" ", ids) + "\n");
        AtomicFile.write(dir.resolve("feature.bin"), out -> {
            ByteBuffer buf = ByteBuffer.allocate(d * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] r : rows) {
                if (r.length != d) {
                    throw new IOException("feature rows differ in length: " + r.length + " vs " + d);
                }
                buf.clear();
                buf.asFloatBuffer().put(r);
                out.write(buf.array());
            }
        });
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /** Which visual data to load with the captions. */
    /**
     * What to load for the visual items: images, one feature vector per item (videos: the mean of their frames),
     * the frame features of each video as a sequence (needs {@code video2frames.txt}), or nothing.
     */
    public enum Visuals { IMAGES, FEATURES, FRAMES, NONE }

    /**
     * Reads a collection. Images are resized to {@code imageSize} (alpha flattened onto white) when loading images.
     */
    public static Dataset read(Path root, String collection, Visuals visuals, int imageSize) throws IOException {
        Path text = root.resolve(collection).resolve("TextData");
        if (!Files.isDirectory(text)) {
            throw new IOException(text + ": no TextData folder (expected " + collection
                    + "<split>_<tag>.caption.txt files there)");
        }
        Map<String, List<Caption>> bySplit = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> st = Files.list(text)) {
            files = st.filter(p -> p.getFileName().toString().endsWith(".caption.txt")).sorted().toList();
        }
        for (Path f : files) {
            Matcher m = FILE.matcher(f.getFileName().toString());
            if (!m.matches() || !m.group(1).equals(collection)) {
                throw new IOException(f + ": caption file name must be " + collection + "<train|val|test>_<tag>.caption.txt");
            }
            bySplit.computeIfAbsent(m.group(2), k -> new ArrayList<>()).addAll(readCaptions(f, m.group(3)));
        }
        if (bySplit.isEmpty()) {
            throw new IOException(text + ": no caption files");
        }
        Map<String, Split> splits = new LinkedHashMap<>();
        for (Map.Entry<String, List<Caption>> e : bySplit.entrySet()) {
            Set<String> idSet = new LinkedHashSet<>();
            e.getValue().forEach(c -> idSet.add(c.visualId()));
            List<String> ids = new ArrayList<>(idSet);
            ImageSet images = visuals == Visuals.IMAGES ? readImages(root.resolve(collection).resolve("images"), ids,
                    imageSize) : null;
            Path featureData = root.resolve(collection).resolve("FeatureData");
            float[][] feats = visuals == Visuals.FEATURES ? readFeatures(featureData, e.getKey(), ids) : null;
            float[][][] frames = visuals == Visuals.FRAMES ? readFrames(featureData, e.getKey(), ids) : null;
            try {
                splits.put(e.getKey(), new Split(e.getKey(), ids, images, feats, frames, e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IOException(text + ": " + ex.getMessage(), ex);
            }
        }
        try {
            return new Dataset(collection, splits);
        } catch (IllegalArgumentException ex) {
            throw new IOException(root.resolve(collection) + ": " + ex.getMessage(), ex);
        }
    }

    static List<Caption> readCaptions(Path file, String tag) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            // find the first undecodable line for the message
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    try {
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(bytes, start, i - start));
                    } catch (CharacterCodingException bad) {
                        break;
                    }
                    line++;
                    start = i + 1;
                }
            }
            throw new IOException(file + ":" + line + ": not valid UTF-8");
        }
        List<Caption> out = new ArrayList<>();
        Map<String, Integer> firstLine = new java.util.HashMap<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (l.isEmpty() && i == lines.length - 1) {
                continue;
            }
            Matcher m = LINE.matcher(l);
            if (!m.matches()) {
                throw new IOException(file + ":" + (i + 1) + ": expected '<visual_id>#<tag>#<k> <caption>', got '"
                        + (l.length() > 80 ? l.substring(0, 80) + "..." : l) + "'");
            }
            if (!m.group(2).equals(tag)) {
                throw new IOException(file + ":" + (i + 1) + ": caption tag '" + m.group(2) + "' in a file for tag '"
                        + tag + "'");
            }
            if (m.group(4).isBlank()) {
                throw new IOException(file + ":" + (i + 1) + ": empty caption");
            }
            int k;
            try {
                k = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": caption number '" + m.group(3) + "' is out of range");
            }
            Integer seen = firstLine.putIfAbsent(m.group(1) + "#" + k, i + 1);
            if (seen != null) {
                throw new IOException(file + ":" + (i + 1) + ": duplicate caption id " + m.group(1) + "#" + tag + "#" + k
                        + " (first on line " + seen + ")");
            }
            out.add(new Caption(m.group(1), tag, k, m.group(4)));
        }
        return out;
    }

    static ImageSet readImages(Path dir, List<String> ids, int size) throws IOException {
        byte[][] px = new byte[ids.size()][];
        for (int i = 0; i < ids.size(); i++) {
            Path f = dir.resolve(ids.get(i) + ".png");
            if (!Files.exists(f)) {
                f = dir.resolve(ids.get(i) + ".jpg");
            }
            if (!Files.exists(f)) {
                throw new IOException(dir + ": no image " + ids.get(i) + ".png or .jpg for a captioned visual id");
            }
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException | RuntimeException e) {
                // ImageIO's own messages ("Error reading PNG image data") name no file; corrupt data can even make
                // its decoders throw unchecked exceptions.
                throw new IOException(f + ": not a readable PNG or JPEG image (" + e.getMessage() + ")", e);
            }
            if (img == null) {
                throw new IOException(f + ": not a readable PNG or JPEG image");
            }
            px[i] = ImageSet.toChw(img, size, size, java.awt.Color.WHITE);
        }
        return new ImageSet(size, size, px);
    }

    /**
     * Features of a split: the BigFile folder {@code FeatureData/<split>/}, or {@code FeatureData/<split>.npy} with one
     * row per visual item in the split's id order. Videos: when the BigFile folder holds {@code video2frames.txt}
     * (NRCCR's Python dict {@code {'video7': ['video7_0', 'video7_1', ...], ...}}), its rows are frames and each
     * video's feature is the mean of its frames, as NRCCR does.
     */
    static float[][] readFeatures(Path featureData, String split, List<String> ids) throws IOException {
        Path v2f = featureData.resolve(split).resolve("video2frames.txt");
        if (Files.isRegularFile(v2f)) {
            return meanOfFrames(featureData.resolve(split), v2f, ids);
        }
        Path npy = featureData.resolve(split + ".npy");
        if (!Files.isDirectory(featureData.resolve(split)) && Files.isRegularFile(npy)) {
            float[][] rows = Npy.readMatrix(npy);
            if (rows.length != ids.size()) {
                throw new IOException(npy + ": " + rows.length + " rows, but split " + split + " has " + ids.size()
                        + " visual items (rows must follow the split's id order)");
            }
            return rows;
        }
        return readBigFile(featureData.resolve(split), ids);
    }

    private static final Pattern VIDEO = Pattern.compile("['\"]([^'\"]+)['\"]\\s*:\\s*\\[([^\\]]*)]");
    private static final Pattern FRAME = Pattern.compile("['\"]([^'\"]+)['\"]");

    private static float[][] meanOfFrames(Path bigFile, Path v2f, List<String> ids) throws IOException {
        float[][][] videos = framesOf(bigFile, v2f, ids);
        float[][] out = new float[ids.size()][];
        for (int i = 0; i < ids.size(); i++) {
            float[] mean = new float[videos[i][0].length];
            for (float[] frame : videos[i]) {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += frame[j] / videos[i].length;
                }
            }
            out[i] = mean;
        }
        return out;
    }

    /**
     * The frame features of each video of a split, in frame order, from the BigFile folder
     * {@code FeatureData/<split>/} and its {@code video2frames.txt}.
     */
    static float[][][] readFrames(Path featureData, String split, List<String> ids) throws IOException {
        Path v2f = featureData.resolve(split).resolve("video2frames.txt");
        if (!Files.isRegularFile(v2f)) {
            throw new IOException(v2f + ": missing; vision.input 'frames' needs the frame features of each video in a "
                    + "BigFile grouped by NRCCR's video2frames.txt");
        }
        return framesOf(featureData.resolve(split), v2f, ids);
    }

    private static float[][][] framesOf(Path bigFile, Path v2f, List<String> ids) throws IOException {
        Map<String, List<String>> frames = new LinkedHashMap<>();
        Matcher m = VIDEO.matcher(text(v2f));
        while (m.find()) {
            List<String> f = new ArrayList<>();
            Matcher fm = FRAME.matcher(m.group(2));
            while (fm.find()) {
                f.add(fm.group(1));
            }
            frames.put(m.group(1), f);
        }
        List<String> needed = new ArrayList<>();
        for (String id : ids) {
            List<String> f = frames.get(id);
            if (f == null || f.isEmpty()) {
                throw new IOException(v2f + ": no frames listed for captioned video '" + id + "'");
            }
            needed.addAll(f);
        }
        float[][] rows = readBigFile(bigFile, needed); // one pass over feature.bin for every frame of the split
        float[][][] out = new float[ids.size()][][];
        int r = 0;
        for (int i = 0; i < ids.size(); i++) {
            int count = frames.get(ids.get(i)).size();
            out[i] = java.util.Arrays.copyOfRange(rows, r, r + count);
            r += count;
        }
        return out;
    }

    /** A text file's content; invalid UTF-8 is an error naming the file. */
    private static String text(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8 text", e);
        }
    }

    /** Reads a BigFile and returns the rows of {@code ids} in that order. */
    public static float[][] readBigFile(Path dir, List<String> ids) throws IOException {
        Path shapeFile = dir.resolve("shape.txt");
        Path idFile = dir.resolve("id.txt");
        Path bin = dir.resolve("feature.bin");
        for (Path p : new Path[]{shapeFile, idFile, bin}) {
            if (!Files.exists(p)) {
                throw new IOException(p + ": missing (a BigFile folder holds shape.txt, id.txt and feature.bin)");
            }
        }
        String shapeText = text(shapeFile).trim();
        String[] shape = shapeText.split("\\s+");
        int n;
        int d;
        try {
            n = Integer.parseInt(shape[0]);
            d = Integer.parseInt(shape[1]);
        } catch (RuntimeException e) {
            n = -1;
            d = -1;
        }
        if (n < 0 || d < 0 || shape.length != 2) {
            throw new IOException(shapeFile + ": expected 'N D' (two counts), got '" + shapeText + "'");
        }
        String[] fileIds = text(idFile).trim().split("\\s+");
        if (fileIds.length != n) {
            throw new IOException(idFile + ": " + fileIds.length + " ids, but shape.txt says " + n);
        }
        long expected = (long) n * d * 4;
        if (Files.size(bin) != expected) {
            throw new IOException(bin + ": " + Files.size(bin) + " bytes, expected " + n + " x " + d + " float32 = "
                    + expected + " (wrong feature dimension or truncated file)");
        }
        Map<String, Integer> row = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (row.put(fileIds[i], i) != null) {
                throw new IOException(idFile + ": id '" + fileIds[i] + "' appears twice");
            }
        }
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[ids.size()][d];
        for (int i = 0; i < ids.size(); i++) {
            Integer r = row.get(ids.get(i));
            if (r == null) {
                throw new IOException(idFile + ": no features for captioned visual id '" + ids.get(i) + "'");
            }
            data.position(r * d * 4);
            data.asFloatBuffer().get(out[i]);
        }
        return out;
    }
}
