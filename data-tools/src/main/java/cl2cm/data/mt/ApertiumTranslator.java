package cl2cm.data.mt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Offline MT with Apertium (Debian {@code apertium} plus language-pair packages). Sentences go through files in
 * one process per batch (start-up costs about 0.3 s, so never one process per sentence); English to French pivots
 * through Spanish. Unknown words pass through unmarked ({@code -u}).
 */
public final class ApertiumTranslator implements Translator {
    /** Target language -> the chain of Apertium modes from English, and the Debian package of each mode. */
    private static final Map<String, List<String>> CHAINS = Map.of(
            "es", List.of("eng-spa"),
            "ca", List.of("eng-cat"),
            "fr", List.of("eng-spa", "es-fr"));
    private static final Map<String, String> PACKAGES = Map.of("eng-spa", "apertium-eng-spa",
            "eng-cat", "apertium-eng-cat", "es-fr", "apertium-fr-es");

    private final String target;
    private final List<String> modes;

    public ApertiumTranslator(String source, String target) throws IOException {
        if (!source.equals("en") || !CHAINS.containsKey(target)) {
            throw new IOException("Apertium translates en to " + CHAINS.keySet() + " here, not " + source + " to "
                    + target + "; no MT system for de, cs, ja or zh exists here (--translator freedict is a crude "
                    + "word-by-word fallback for de, cs and ja)");
        }
        this.target = target;
        this.modes = CHAINS.get(target);
        List<String> installed = installedModes();
        for (String m : modes) {
            if (!installed.contains(m)) {
                throw new IOException("the Apertium mode " + m + " is not installed: sudo apt-get install "
                        + PACKAGES.get(m));
            }
        }
    }

    static List<String> installedModes() throws IOException {
        try {
            Process p = new ProcessBuilder("apertium", "-l").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return List.of(out.trim().split("\\s+"));
        } catch (IOException e) {
            throw new IOException("Apertium is not installed (no 'apertium' command): sudo apt-get install apertium "
                    + "apertium-eng-spa apertium-fr-es", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String name() {
        return "apertium " + String.join("+", modes);
    }

    @Override
    public List<String> translate(List<String> sentences) throws IOException {
        List<String> current = new ArrayList<>();
        for (String s : sentences) {
            // One sentence per line, each ending with punctuation, so that Apertium keeps lines apart.
            String t = s.replaceAll("[\\r\\n]+", " ").strip();
            current.add(t.matches(".*[.!?]$") ? t : t + ".");
        }
        for (String mode : modes) {
            current = run(mode, current);
        }
        List<String> out = new ArrayList<>(current.size());
        for (int i = 0; i < current.size(); i++) {
            String t = current.get(i).strip();
            String src = sentences.get(i).strip();
            // Drop the period we added when the source had none.
            if (!src.matches(".*[.!?]$") && t.endsWith(".")) {
                t = t.substring(0, t.length() - 1).strip();
            }
            out.add(t);
        }
        return out;
    }

    private static List<String> run(String mode, List<String> lines) throws IOException {
        Path in = Files.createTempFile("cl2cm-mt-in", ".txt");
        Path out = Files.createTempFile("cl2cm-mt-out", ".txt");
        try {
            Files.write(in, lines, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("apertium", "-u", mode, in.toString(), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("apertium " + mode + " failed: " + log.strip());
            }
            List<String> result = Files.readAllLines(out, StandardCharsets.UTF_8);
            while (result.size() > lines.size() && result.get(result.size() - 1).isBlank()) {
                result.remove(result.size() - 1);
            }
            if (result.size() != lines.size()) {
                throw new IOException("apertium " + mode + " returned " + result.size() + " lines for " + lines.size()
                        + " sentences");
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }
}
