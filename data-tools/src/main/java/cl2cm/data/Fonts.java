package cl2cm.data;

import java.awt.Font;
import java.awt.font.FontRenderContext;

/**
 * Whether Java can draw text on this machine. On Linux it finds fonts through fontconfig; a server image without
 * any font makes the first use of a font fail deep inside AWT ("Fontconfig head is null"), so pictures with text
 * (contact sheets, the report's charts) check here first and say what to install.
 */
public final class Fonts {
    private static volatile String missing;
    private static volatile boolean checked;

    private Fonts() {
    }

    /** Null when text can be drawn; otherwise why not, with the fix. */
    public static String missing() {
        if (!checked) {
            String why = null;
            try {
                new Font(Font.SANS_SERIF, Font.PLAIN, 11).getStringBounds("Ag", new FontRenderContext(null, true, true));
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vm) {
                    throw vm;
                }
                why = "this machine has no fonts for Java to draw text with (" + e.getMessage() + "); install "
                        + "fontconfig and a font, e.g. apt-get install fontconfig fonts-dejavu-core";
            }
            missing = why;
            checked = true;
        }
        return missing;
    }
}
