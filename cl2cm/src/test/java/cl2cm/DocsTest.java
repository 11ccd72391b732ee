package cl2cm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs/ describe the code as it is: their links and anchors resolve, they speak of no "sessions",
 * the README stays a map, and every file, symbol, test and command that docs/learn.md names exists, so the guided
 * tour cannot rot.
 */
class DocsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void readmeIsAMapNotANotebook() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= 300, "README.md has " + lines + " lines; keep it a map (about 250) and move detail to docs/");
    }

    @Test
    void documentsDescribeTheCodeNotItsHistory() throws IOException {
        Pattern session = Pattern.compile("\\bsessions?\\b", Pattern.CASE_INSENSITIVE);
        List<String> bad = new ArrayList<>();
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (session.matcher(lines.get(i)).find()) {
                    bad.add(ROOT.relativize(doc) + ":" + (i + 1));
                }
            }
        }
        assertTrue(bad.isEmpty(), "documents speak of sessions (history belongs in git and issue notes): " + bad);
    }

    @Test
    void linksAndAnchorsResolve() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading)");
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links: " + broken);
    }

    /** GitHub's heading anchors: lower case, punctuation dropped except '-' and '_', spaces to '-'. */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(md)) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                out.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }

    @Test
    void theTourNamesOnlyThingsThatExist() throws IOException {
        Map<String, Path> sources = javaFiles("src/main/java");
        Set<String> tests = javaFiles("src/test/java").keySet();
        Set<String> commands = cliCommands();
        List<String> missing = new ArrayList<>();
        Matcher m = CODE.matcher(Files.readString(ROOT.resolve("docs/learn.md")));
        while (m.find()) {
            String span = m.group(1);
            if (span.startsWith("bin/cl2cm ")) {
                String command = span.split("\\s+")[1];
                if (!commands.contains(command)) {
                    missing.add(span + " (no such command)");
                }
            } else if (span.matches("[\\w.-]+(/[\\w.-]+)+/?")) {
                if (!Files.exists(ROOT.resolve(span))) {
                    missing.add(span + " (no such file)");
                }
            } else if (span.matches("[A-Z]\\w*Test")) {
                if (!tests.contains(span)) {
                    missing.add(span + " (no such test class)");
                }
            } else if (span.matches("[A-Z]\\w*(\\.[A-Z]\\w*)?\\.[a-zA-Z]\\w*(\\(\\.\\.\\.\\))?")) {
                String[] parts = span.replace("(...)", "").split("\\.");
                Path file = sources.get(parts[0]);
                String member = parts[parts.length - 1];
                if (file == null) {
                    missing.add(span + " (no class " + parts[0] + ")");
                } else if (!Pattern.compile("\\b" + Pattern.quote(member) + "\\b").matcher(Files.readString(file))
                        .find()) {
                    missing.add(span + " (" + parts[0] + " has no " + member + ")");
                }
            }
        }
        assertTrue(missing.isEmpty(), "docs/learn.md names things that do not exist: " + missing);
    }

    @Test
    void fastKernelsPointAtTheirReferenceLoops() throws IOException {
        for (String f : List.of("engine/src/main/java/cl2cm/engine/cpu/Gemm.java",
                "engine/src/main/java/cl2cm/engine/cpu/VectorKernels.java",
                "engine/src/main/java/cl2cm/engine/cpu/ConvKernels.java", "engine/src/main/cuda/kernels.cu")) {
            String head = Files.readString(ROOT.resolve(f)).lines().limit(40).collect(Collectors.joining("\n"));
            assertTrue(head.contains("ReferenceKernels"), f + ": its header must name the reference loops it matches");
        }
    }

    /** Simple class name to file, over every module's {@code sub} folder. */
    private static Map<String, Path> javaFiles(String sub) throws IOException {
        Map<String, Path> out = new java.util.HashMap<>();
        for (String module : List.of("engine", "data-tools", "cl2cm", "benchmarks")) {
            Path dir = ROOT.resolve(module).resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".java"))
                        .forEach(p -> out.put(p.getFileName().toString().replace(".java", ""), p));
            }
        }
        return out;
    }

    /** The subcommand names the CLI registers, read from the app package's @Command annotations. */
    private static Set<String> cliCommands() throws IOException {
        Set<String> out = new HashSet<>();
        Pattern name = Pattern.compile("@Command\\(name = \"([\\w-]+)\"");
        try (Stream<Path> s = Files.walk(ROOT.resolve("cl2cm/src/main/java/cl2cm/app")).filter(Files::isRegularFile)) {
            for (Path p : s.toList()) {
                Matcher m = name.matcher(Files.readString(p));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }
}
