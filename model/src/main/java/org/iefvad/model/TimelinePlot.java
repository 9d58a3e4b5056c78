package org.iefvad.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG timeline of one video: frame score, modality weights and ground truth against the frame index. */
public final class TimelinePlot {
    private TimelinePlot() {}

    public static Path write(OfflineEvaluation.VideoResult v, Path dir) throws IOException {
        Files.createDirectories(dir);
        int frames = v.frameScores().length;
        double[] x = new double[frames];
        double[] gt = new double[frames];
        double[] wi = new double[frames];
        double[] we = new double[frames];
        for (int f = 0; f < frames; f++) {
            x[f] = f;
            gt[f] = v.frameGt()[f];
            int s = Math.min(f / SegmentEncoder.SEGMENT_FRAMES, v.wImage().length - 1);
            wi[f] = v.wImage()[s];
            we[f] = v.wEvent()[s];
        }
        XYChart chart = new XYChartBuilder().width(900).height(360).title(v.name() + " (" + (v.abnormal() ? "abnormal" : "normal") + ")")
                .xAxisTitle("frame").yAxisTitle("value").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.05);
        add(chart, "ground truth", x, gt);
        add(chart, "score", x, v.frameScores());
        add(chart, "w_image", x, wi);
        add(chart, "w_event", x, we);
        Path file = dir.resolve(v.name().replace('/', '_') + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static void add(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }
}
