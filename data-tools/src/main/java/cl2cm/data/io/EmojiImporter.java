package cl2cm.data.io;

import cl2cm.data.Dataset;
import cl2cm.data.ImageSet;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Imports emoji pictures with human-written names in several languages, from two npm packages as fetched by
 * {@code npm pack}: {@code emoji-datasource-google@16.0.0} (64x64 PNGs under {@code img/google/64/}, and
 * {@code emoji.json}) and {@code cldr-annotations-full@48.2.0} (per locale {@code annotations/<lang>/annotations.json},
 * whose {@code tts} entry is the emoji's spoken name, e.g. "grinsendes Gesicht").
 *
 * <p>Each emoji with a Google image and an English CLDR name becomes an item {@code emoji_<codepoints>} with the
 * English name as source caption ({@code en}) and the other languages' names as human captions; skin-tone variants
 * are left out. Lookups try the exact emoji string and then the string without U+FE0F. Splits: {@link HashSplits}.
 */
public final class EmojiImporter {
    public static final String COLLECTION = "emoji";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an import found. */
    public record Report(int emoji, int withoutEnglishName, Map<String, Integer> captionsPerTag) {
    }

    private EmojiImporter() {
    }

    public static Dataset read(Path emojiTgz, Path cldrTgz, int imageSize, List<String> languages, Report[] report)
            throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        readTar(emojiTgz, name -> name.equals("package/emoji.json") || name.startsWith("package/img/google/64/"), files);
        byte[] index = files.get("package/emoji.json");
        if (index == null) {
            throw new IOException(emojiTgz + " has no package/emoji.json: expected the tarball of "
                    + "emoji-datasource-google@16.0.0 (npm pack emoji-datasource-google@16.0.0)");
        }
        List<String> locales = new ArrayList<>(List.of("en"));
        locales.addAll(languages);
        Map<String, byte[]> cldrFiles = new HashMap<>();
        readTar(cldrTgz, name -> locales.stream().anyMatch(l -> name.equals("package/annotations/" + l
                + "/annotations.json")), cldrFiles);
        Map<String, JsonNode> names = new HashMap<>();
        for (String l : locales) {
            byte[] f = cldrFiles.get("package/annotations/" + l + "/annotations.json");
            if (f == null) {
                throw new IOException(cldrTgz + " has no annotations for '" + l + "': expected the tarball of "
                        + "cldr-annotations-full@48.2.0 (npm pack cldr-annotations-full@48.2.0)");
            }
            names.put(l, JSON.readTree(f).path("annotations").path("annotations"));
        }

        PictureSetBuilder out = new PictureSetBuilder(imageSize);
        int unnamed = 0;
        for (JsonNode e : JSON.readTree(index)) {
            String unified = e.path("unified").asText();
            byte[] png = files.get("package/img/google/64/" + e.path("image").asText());
            if (unified.isEmpty() || png == null || !e.path("has_img_google").asBoolean(true)) {
                continue;
            }
            String emoji = fromCodePoints(unified);
            if (name(names.get("en"), emoji) == null) {
                unnamed++;
                continue;
            }
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new IOException(emojiTgz + "!package/img/google/64/" + e.path("image").asText()
                        + ": not a readable PNG");
            }
            Map<String, String> captions = new LinkedHashMap<>();
            for (String l : locales) {
                String n = name(names.get(l), emoji);
                if (n != null) {
                    captions.put(l, n);
                }
            }
            out.add("emoji_" + unified.toLowerCase(), ImageSet.toChw(img, imageSize, imageSize, Color.WHITE), captions);
        }
        if (out.items() == 0) {
            throw new IOException(emojiTgz + ": no emoji with both a Google image and an English CLDR name");
        }
        if (report != null) {
            report[0] = new Report(out.items(), unnamed, out.captionsPerTag());
        }
        return out.build(COLLECTION);
    }

    /** The CLDR spoken name (tts) of an emoji, trying it with and without U+FE0F variation selectors. */
    static String name(JsonNode annotations, String emoji) {
        for (String key : new String[]{emoji, emoji.replace("\uFE0F", "")}) {
            JsonNode tts = annotations.path(key).path("tts");
            if (tts.isArray() && !tts.isEmpty() && !tts.get(0).asText().isBlank()) {
                return tts.get(0).asText().strip();
            }
        }
        return null;
    }

    /** "1F600" or "0023-FE0F-20E3" to the emoji string. */
    static String fromCodePoints(String unified) {
        StringBuilder sb = new StringBuilder();
        for (String cp : unified.split("-")) {
            sb.appendCodePoint(Integer.parseInt(cp, 16));
        }
        return sb.toString();
    }

    private static void readTar(Path tgz, java.util.function.Predicate<String> keep, Map<String, byte[]> into)
            throws IOException {
        if (!Files.isRegularFile(tgz)) {
            throw new IOException(tgz + " not found");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.isFile() && keep.test(e.getName())) {
                    into.put(e.getName(), tar.readAllBytes());
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(tgz + " is not a gzip'd tarball (" + e.getMessage() + ")", e);
        }
    }
}
