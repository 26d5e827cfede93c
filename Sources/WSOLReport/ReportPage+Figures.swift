//! The figure sections: BoxAcc and precision-recall curves, the overlay grid from worst to best
//! IoU, the per-class table, and several methods' maps side by side.
import Foundation

extension ReportPage {
    // MARK: Curves

    func curvesSection() -> String {
        var plots: [String] = []
        for run in runs {
            guard let evaluation = run.evaluation, let curves = evaluation.boxCurves else { continue }
            var plot = LinePlot(title: "BoxAcc vs box threshold: \(run.name)", xLabel: "box threshold (fraction of the map's range)",
                                yLabel: "BoxAcc (%)", xRange: 0...1, yRange: 0...100)
            plot.series = curves.iouKeys.enumerated().map { i, key in
                PlotSeries(name: "IoU \(key)%", points: zip(curves.thresholds, curves.values[i]).map { ($0, $1) })
            }
            let source = evaluation.thresholdSource == "calibrated" ? "calibrated" : "best"
            plot.markerLegend = "\(source) threshold (per IoU)"
            plot.markers = curves.iouKeys.enumerated().compactMap { i, key in
                evaluation.markedThresholds[key].map { PlotMarker(label: "\(source) threshold, IoU \(key)%: \(format3($0))", x: $0, seriesIndex: i) }
            }
            plots.append(plot.svg())
        }
        let pixelRuns = runs.filter { !($0.evaluation?.pixelCurve.isEmpty ?? true) }
        if !pixelRuns.isEmpty { plots.append(precisionRecallPlot(pixelRuns)) }
        guard !plots.isEmpty else {
            return "<p class=\"note\">No <code>wsol evaluate --out</code> directory with box_accuracy.csv or pixel_curve.csv given.</p>"
        }
        return "<p class=\"note\">Dotted lines and dots mark the threshold the boxes and masks were exported at "
            + "(calibrated on train-fullsup when <code>--calibrate-on</code> was given, else the split's own best).</p>\n"
            + "<div class=\"plots\">\n" + plots.joined(separator: "\n") + "\n</div>"
    }

    private func precisionRecallPlot(_ pixelRuns: [ReportRun]) -> String {
        var plot = LinePlot(title: "Pixel precision-recall (PxAP is the area)", xLabel: "recall", yLabel: "precision",
                            xRange: 0...1, yRange: 0...1)
        plot.markerLegend = "mask threshold (dots)"
        for (index, run) in pixelRuns.enumerated() {
            let curve = run.evaluation?.pixelCurve ?? []
            plot.series.append(PlotSeries(name: run.name, points: curve.map { ($0.recall, $0.precision ?? .nan) }))
            // The point of the mask threshold: the curve point with the nearest cutoff.
            if let threshold = run.evaluation?.maskThreshold,
               let point = curve.filter({ $0.precision != nil }).min(by: { abs($0.cutoff - threshold) < abs($1.cutoff - threshold) }) {
                plot.markers.append(PlotMarker(label: "mask threshold \(format3(threshold)) (\(run.name))", x: point.recall,
                                               y: point.precision, seriesIndex: index))
            }
        }
        return plot.svg()
    }

    // MARK: Overlay grid

    /// Images from the lowest to the highest best IoU; ties by image id so the order is stable.
    static func worstToBest(_ results: [PerImageResult]) -> [PerImageResult] {
        results.sorted { ($0.bestIoU, $0.imageID) < ($1.bestIoU, $1.imageID) }
    }

    /// `limit` indices spread evenly over `0..<count`, always including the first and the last
    /// (so the very worst and the very best are shown); all indices when `count <= limit`.
    static func evenlySpaced(count: Int, limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        guard limit > 1 else { return limit == 1 ? [0] : [] }
        return (0..<limit).map { Int((Double($0) * Double(count - 1) / Double(limit - 1)).rounded()) }
    }

    func gridSection() -> String {
        var parts: [String] = []
        for run in runs {
            guard let evaluation = run.evaluation, !evaluation.perImage.isEmpty, let overlays = run.localization?.overlays else { continue }
            let sorted = ReportPage.worstToBest(evaluation.perImage)
            let shown = ReportPage.evenlySpaced(count: sorted.count, limit: gridLimit)
            let halfIndex = evaluation.iouKeys.firstIndex(of: "50")
            let figures = shown.compactMap { rank -> String? in
                let result = sorted[rank]
                guard let overlay = overlays[stem(result.imageID)] else { return nil }
                let verdict = halfIndex.map { result.correct[$0] ? " &#10003;" : " &#10007;" } ?? ""
                return "<figure><img src=\"\(HTML.escape(images.link(for: overlay)))\" alt=\"\(HTML.escape(result.imageID))\" loading=\"eager\">"
                    + "<figcaption><b>#\(rank + 1) IoU \(HTML.number(result.bestIoU, digits: 2))</b>\(verdict) "
                    + "\(HTML.escape(className(result.classLabel, run)))<br>\(HTML.escape(result.imageID))</figcaption></figure>"
            }
            parts.append("<h3>\(HTML.escape(run.name))</h3>")
            parts.append("<p class=\"note\">\(figures.count) of \(sorted.count) images, ranked by the best IoU of a predicted box "
                + "at the box threshold \(HTML.number(evaluation.operatingThreshold, digits: 3)) (&#10003;/&#10007;: correct at IoU 50%). "
                + "Heat map over the image, predicted boxes green, ground truth magenta.</p>")
            parts.append("<div class=\"grid-images\">\n" + figures.joined(separator: "\n") + "\n</div>")
        }
        guard !parts.isEmpty else {
            return "<p class=\"note\">Needs per_image.csv (<code>wsol evaluate --out</code>) and the overlays of the same maps "
                + "(<code>wsol localize</code>, e.g. evaluate with <code>--scoremaps LOCALIZE_DIR/scoremaps</code>).</p>"
        }
        return parts.joined(separator: "\n")
    }

    // MARK: Per-class table

    func classesSection() -> String {
        var parts: [String] = []
        for run in runs {
            guard let evaluation = run.evaluation, evaluation.perImage.contains(where: { $0.classLabel != nil }) else { continue }
            let predictions = run.localization?.topPrediction ?? [:]
            let byClass = Dictionary(grouping: evaluation.perImage.filter { $0.classLabel != nil }) { $0.classLabel ?? 0 }
            let rows = byClass.keys.sorted().map { label -> [String] in
                let members = byClass[label] ?? []
                let meanIoU = members.map(\.bestIoU).reduce(0, +) / Double(members.count)
                var row = [HTML.escape(className(label, run)), String(members.count), HTML.number(meanIoU, digits: 3)]
                row += evaluation.iouKeys.indices.map { i in
                    HTML.number(100 * Double(members.filter { $0.correct[i] }.count) / Double(members.count))
                }
                if !predictions.isEmpty {
                    let known = members.compactMap { member in predictions[member.imageID].map { $0.classIndex == label } }
                    row.append(known.isEmpty ? "&ndash;" : HTML.number(100 * Double(known.filter { $0 }.count) / Double(known.count)))
                }
                return row
            }
            var header = ["class", "images", "mean best IoU"] + evaluation.iouKeys.map { "BoxAcc@\(HTML.escape($0)) (%)" }
            if !predictions.isEmpty { header.append("Top-1 Cls (%)") }
            parts += ["<h3>\(HTML.escape(run.name))</h3>", HTML.table(header: header, rows: rows)]
        }
        guard !parts.isEmpty else { return "<p class=\"note\">Needs per_image.csv with class labels (<code>wsol evaluate --out</code>).</p>" }
        return "<p class=\"note\">At the exported box threshold, from per_image.csv; Top-1 Cls from the localize run's "
            + "predictions.csv when present.</p>\n" + parts.joined(separator: "\n")
    }

    // MARK: Side by side

    func compareSection() -> String {
        let localized = runs.filter { !($0.localization?.overlays.isEmpty ?? true) }
        guard localized.count >= 2 else {
            return "<p class=\"note\">Give two or more <code>wsol localize</code> directories (e.g. CAM and DGL on the same images) "
                + "to see their maps side by side.</p>"
        }
        var common = Set(localized[0].localization?.overlays.keys.map { $0 } ?? [])
        for run in localized.dropFirst() { common.formIntersection(run.localization?.overlays.keys.map { $0 } ?? []) }
        let stems = common.sorted()
        guard !stems.isEmpty else { return "<p class=\"note\">The localize directories share no image.</p>" }
        let iouByRun = localized.map { run in
            Dictionary((run.evaluation?.perImage ?? []).map { (stem($0.imageID), $0.bestIoU) }) { first, _ in first }
        }
        let rows = ReportPage.evenlySpaced(count: stems.count, limit: compareLimit).map { index -> [String] in
            let name = stems[index]
            return [HTML.escape(name)] + localized.enumerated().map { column, run in
                let overlay = run.localization?.overlays[name] ?? ""
                let caption = iouByRun[column][name].map { "<figcaption>IoU \(HTML.number($0, digits: 2))</figcaption>" } ?? ""
                return "<img src=\"\(HTML.escape(images.link(for: overlay)))\" alt=\"\(HTML.escape(run.name)): \(HTML.escape(name))\">" + caption
            }
        }
        return "<p class=\"note\">\(rows.count) of \(stems.count) images found in every localize directory.</p>\n"
            + HTML.table(header: ["image"] + localized.map { HTML.escape($0.name) }, rows: rows, className: "data compare")
    }

    // MARK: Helpers

    func stem(_ imageID: String) -> String { (imageID as NSString).deletingPathExtension }

    func className(_ label: Int?, _ run: ReportRun) -> String {
        guard let label else { return "" }
        return label >= 0 && label < run.classNames.count ? run.classNames[label] : "class \(label)"
    }
}

/// Three decimals, for thresholds in labels.
func format3(_ value: Double) -> String { String(format: "%.3f", value) }
