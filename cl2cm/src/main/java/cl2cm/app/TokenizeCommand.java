package cl2cm.app;

import cl2cm.data.text.Vocab;
import cl2cm.data.text.WordPieceTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
        if (maxLen < 0) {
            throw new IllegalArgumentException("--max-len must be >= 0 (0 = no limit), not " + maxLen);
        }
        WordPieceTokenizer tok = new WordPieceTokenizer(Vocab.load(vocab), lower);
        // Each line is decoded on its own, so invalid UTF-8 is an error naming its line, never replaced or dropped.
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        java.io.InputStream in = new java.io.BufferedInputStream(System.in);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int lineNo = 0;
        String line;
        while ((line = readLine(in, bytes, decoder, ++lineNo, out)) != null) {
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

    /** The next line without its line break (a trailing CR too), or null at the end of input. */
    private static String readLine(java.io.InputStream in, java.io.ByteArrayOutputStream bytes,
                                   java.nio.charset.CharsetDecoder decoder, int lineNo, PrintWriter out)
            throws java.io.IOException {
        bytes.reset();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            bytes.write(b);
            b = in.read();
        }
        byte[] raw = bytes.toByteArray();
        int len = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(raw, 0, len)).toString();
        } catch (CharacterCodingException e) {
            out.flush();
            throw new java.io.IOException("standard input, line " + lineNo + ": not valid UTF-8");
        }
    }
}
