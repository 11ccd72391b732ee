package cl2cm.app;

import cl2cm.data.text.Vocab;
import cl2cm.data.text.WordPieceTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Read lines from standard input and print each line's BERT WordPiece ids (with [CLS] and [SEP]), "
                + "space-separated, one output line per input line.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, description = "vocab.txt (or .txt.gz), one token per line")
    Path vocab;

    @Option(names = "--lower", description = "lower-case and strip accents (uncased vocabularies)")
    boolean lower;

    @Option(names = "--max-len", description = "truncate to this many ids, special tokens included (0 = no limit)",
            defaultValue = "0")
    int maxLen;

    @Override
    public Integer call() throws Exception {
        WordPieceTokenizer tok = new WordPieceTokenizer(Vocab.load(vocab), lower);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int[] ids = tok.encode(line, maxLen);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                sb.append(i == 0 ? "" : " ").append(ids[i]);
            }
            out.println(sb);
        }
        out.flush();
        return 0;
    }
}
