package cl2cm.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.util.List;

/**
 * The report's charts as inline SVG, drawn by JFreeChart onto JFreeSVG's Graphics2D: no script, no fonts or pictures
 * to fetch, so the page opens offline.
 */
public final class Charts {
    /** One named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                        + " y values");
            }
        }
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {
    }

    /** How a chart draws its series: lines, lines with a marker at each point, or points only. */
    public enum Style { LINES, LINES_AND_POINTS, POINTS }

    /**
     * A chart of the series over a shared x axis (steps, epochs, seeds: whole numbers when {@code integerX}); a
     * logarithmic y axis for quantities that span orders of magnitude (update ratios).
     */
    public static String xy(String title, String xLabel, String yLabel, List<Series> series, Style style,
                            boolean integerX, boolean logY, int width, int height) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, collection(series),
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        if (integerX) {
            ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        if (logY) {
            LogAxis log = new LogAxis(yLabel);
            log.setSmallestValue(1e-12);
            log.setNumberFormatOverride(new DecimalFormat("0.#E0"));
            plot.setRangeAxis(log);
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(style != Style.POINTS, style != Style.LINES);
        style(chart, r, series.size(), style == Style.POINTS ? 1f : 1.6f);
        if (style == Style.POINTS) {
            for (int i = 0; i < series.size(); i++) {
                r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            }
        }
        return svg(chart, width, height);
    }

    private static XYSeriesCollection collection(List<Series> series) {
        XYSeriesCollection c = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                xy.add(s.x()[i], s.y()[i]);
            }
            c.addSeries(xy);
        }
        return c;
    }

    private static void style(JFreeChart chart, XYLineAndShapeRenderer r, int n, float stroke) {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (int i = 0; i < n; i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(stroke));
        }
        plot.setRenderer(r);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(14f));
    }

    private static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle(width, height));
        return g.getSVGElement();
    }
}
