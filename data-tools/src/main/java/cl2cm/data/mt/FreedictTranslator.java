package cl2cm.data.mt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A crude word-by-word fallback for languages without an MT system here (German, Czech, Japanese): each English word
 * is replaced by a translation from a FreeDict dictionary (Debian {@code dict-freedict-eng-deu}, {@code -eng-ces},
 * {@code -eng-jpn}; dictd format: an index of {@code headword TAB offset TAB length} in base 64 and a dictzip'd
 * definitions file). No agreement, no word order, no sense disambiguation: of a word's entries the one without a
 * domain label (such as [techn.]) and with the shortest first translation is used; unknown words stay English.
 * Much noisier than Apertium, and labelled so in the translator's name.
 */
public final class FreedictTranslator implements Translator {
    private static final Map<String, String> DICTS = Map.of("de", "eng-deu", "cs", "eng-ces", "ja", "eng-jpn");
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}'-]*|[^\\p{L}\\s]+");

    private final String dict;
    private final Map<String, String> best = new HashMap<>();

    public FreedictTranslator(String source, String target, Path dictDir) throws IOException {
        if (!source.equals("en") || !DICTS.containsKey(target)) {
            throw new IOException("FreeDict dictionaries here cover en to " + DICTS.keySet() + ", not " + source
                    + " to " + target);
        }
        dict = DICTS.get(target);
        Path index = dictDir.resolve("freedict-" + dict + ".index");
        Path data = dictDir.resolve("freedict-" + dict + ".dict.dz");
        if (!Files.isRegularFile(index) || !Files.isRegularFile(data)) {
            throw new IOException(index + " not found: sudo apt-get install dict-freedict-" + dict);
        }
        byte[] defs;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(data), 1 << 16)) {
            defs = in.readAllBytes();
        }
        Map<String, Integer> score = new HashMap<>();
        List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length != 3 || f[0].isEmpty() || f[0].contains(" ") || f[0].startsWith("00database")) {
                continue;
            }
            long off = decode(f[1], index, i);
            long len = decode(f[2], index, i);
            if (off < 0 || off + len > defs.length) {
                throw new IOException(index + ":" + (i + 1) + ": entry points outside " + data);
            }
            String entry = new String(defs, (int) off, (int) len, StandardCharsets.UTF_8);
            String[] el = entry.split("\n");
            if (el.length < 2) {
                continue;
            }
            String first = el[1].split("[,;]")[0].replaceAll("<[^>]*>|\\[[^]]*]|\\([^)]*\\)", "").strip();
            if (first.isEmpty()) {
                continue;
            }
            int s = first.length() + (el[1].contains("[") ? 1000 : 0);
            String key = f[0].toLowerCase(Locale.ROOT);
            if (s < score.getOrDefault(key, Integer.MAX_VALUE)) {
                score.put(key, s);
                best.put(key, first);
            }
        }
    }

    private static long decode(String s, Path index, int line) throws IOException {
        long v = 0;
        for (char c : s.toCharArray()) {
            int d = B64.indexOf(c);
            if (d < 0) {
                throw new IOException(index + ":" + (line + 1) + ": bad base-64 number '" + s + "'");
            }
            v = v * 64 + d;
        }
        return v;
    }

    @Override
    public String name() {
        return "freedict " + dict + " (word by word)";
    }

    @Override
    public List<String> translate(List<String> sentences) {
        List<String> out = new ArrayList<>(sentences.size());
        for (String s : sentences) {
            StringBuilder sb = new StringBuilder();
            Matcher m = WORD.matcher(s);
            while (m.find()) {
                String w = m.group();
                String t = Character.isLetter(w.charAt(0)) ? best.getOrDefault(w.toLowerCase(Locale.ROOT), w) : w;
                if (sb.length() > 0 && Character.isLetter(w.charAt(0))) {
                    sb.append(' ');
                }
                sb.append(t);
            }
            out.add(sb.toString());
        }
        return out;
    }
}
