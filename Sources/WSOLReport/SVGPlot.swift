//! Our own small SVG line plots: axes with round-number ticks, a legend, marked thresholds.
import Foundation

/// One line of a plot, in data coordinates.
public struct PlotSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var dashed: Bool

    public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
        (self.name, self.points, self.dashed) = (name, points, dashed)
    }
}

/// A marked value: a vertical line at `x` (a threshold), or a dot at `(x, y)` when `y` is given.
public struct PlotMarker: Sendable {
    public var label: String
    public var x: Double
    public var y: Double?
    /// Index of the series whose colour the marker takes.
    public var seriesIndex: Int

    public init(label: String, x: Double, y: Double? = nil, seriesIndex: Int = 0) {
        (self.label, self.x, self.y, self.seriesIndex) = (label, x, y, seriesIndex)
    }
}

/// A line plot rendered as an inline `<svg>` element. Sizes are CSS pixels; the plot area is the
/// frame minus `margins` (left, right, top, bottom).
public struct LinePlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var series: [PlotSeries] = []
    public var markers: [PlotMarker] = []
    /// The legend's entry for the markers (default: the marker's label when there is one).
    public var markerLegend: String?
    public var width = 520.0
    public var height = 320.0
    public var margins = (left: 56.0, right: 16.0, top: 28.0, bottom: 44.0)
    /// Only whole-number ticks on the x axis (epochs).
    public var integerX = false

    /// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        (self.title, self.xLabel, self.yLabel, self.xRange, self.yRange) = (title, xLabel, yLabel, xRange, yRange)
    }

    /// Horizontal pixel of data value `x`: `left + (x - xmin) / (xmax - xmin) * plotWidth`.
    public func pixelX(_ x: Double) -> Double {
        let span = xRange.upperBound - xRange.lowerBound
        return margins.left + (span > 0 ? (x - xRange.lowerBound) / span : 0.5) * (width - margins.left - margins.right)
    }

    /// Vertical pixel of data value `y` (SVG's y grows downwards, so the top of the range is `top`).
    public func pixelY(_ y: Double) -> Double {
        let span = yRange.upperBound - yRange.lowerBound
        let fraction = span > 0 ? (y - yRange.lowerBound) / span : 0.5
        return margins.top + (1 - fraction) * (height - margins.top - margins.bottom)
    }

    /// The path data of a series: `M x,y L x,y ...` in pixels, one decimal; non-finite points
    /// break the line.
    public func pathData(_ series: PlotSeries) -> String {
        var commands: [String] = []
        var penDown = false
        for point in series.points {
            guard point.x.isFinite, point.y.isFinite else { penDown = false; continue }
            commands.append((penDown ? "L" : "M") + format(pixelX(point.x)) + "," + format(pixelY(point.y)))
            penDown = true
        }
        return commands.joined(separator: " ")
    }

    /// The `<svg>` element.
    public func svg() -> String {
        var parts = ["<svg class=\"plot\" viewBox=\"0 0 \(format(width)) \(format(height))\" width=\"\(format(width))\" "
            + "height=\"\(format(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"]
        parts.append("<text class=\"plot-title\" x=\"\(format(margins.left))\" y=\"18\">\(HTML.escape(title))</text>")
        parts += axes()
        for (index, line) in series.enumerated() where !line.points.isEmpty {
            parts.append("<path d=\"\(pathData(line))\" fill=\"none\" stroke=\"\(color(index))\" stroke-width=\"1.8\""
                + (line.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>")
            // Few points (epochs): show each one, so a two-epoch run does not look like a trend.
            if line.points.count <= 30 {
                parts += line.points.filter { $0.x.isFinite && $0.y.isFinite }.map {
                    "<circle cx=\"\(format(pixelX($0.x)))\" cy=\"\(format(pixelY($0.y)))\" r=\"2.5\" fill=\"\(color(index))\"/>"
                }
            }
        }
        parts += markers.map(markerElements)
        parts += legend()
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    func color(_ index: Int) -> String { LinePlot.palette[index % LinePlot.palette.count] }

    private func axes() -> [String] {
        let (left, right) = (margins.left, width - margins.right)
        let (top, bottom) = (margins.top, height - margins.bottom)
        var parts: [String] = []
        for tick in LinePlot.ticks(xRange) where !integerX || abs(tick - tick.rounded()) < 1e-9 {
            let x = format(pixelX(tick))
            parts.append("<line class=\"grid\" x1=\"\(x)\" y1=\"\(format(top))\" x2=\"\(x)\" y2=\"\(format(bottom))\"/>")
            parts.append("<text class=\"tick\" x=\"\(x)\" y=\"\(format(bottom + 16))\" text-anchor=\"middle\">\(LinePlot.label(tick))</text>")
        }
        for tick in LinePlot.ticks(yRange) {
            let y = format(pixelY(tick))
            parts.append("<line class=\"grid\" x1=\"\(format(left))\" y1=\"\(y)\" x2=\"\(format(right))\" y2=\"\(y)\"/>")
            parts.append("<text class=\"tick\" x=\"\(format(left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(LinePlot.label(tick))</text>")
        }
        parts.append("<rect class=\"frame\" x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(right - left))\" height=\"\(format(bottom - top))\" fill=\"none\"/>")
        parts.append("<text class=\"axis-label\" x=\"\(format((left + right) / 2))\" y=\"\(format(height - 6))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>")
        parts.append("<text class=\"axis-label\" transform=\"translate(14 \(format((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>")
        return parts
    }

    private func markerElements(_ marker: PlotMarker) -> String {
        let x = format(pixelX(marker.x)), stroke = color(marker.seriesIndex)
        let label = "<title>\(HTML.escape(marker.label))</title>"
        if let y = marker.y {
            return "<circle class=\"marker\" cx=\"\(x)\" cy=\"\(format(pixelY(y)))\" r=\"4.5\" fill=\"\(stroke)\" stroke=\"#fff\">\(label)</circle>"
        }
        return "<line class=\"marker\" x1=\"\(x)\" y1=\"\(format(margins.top))\" x2=\"\(x)\" y2=\"\(format(height - margins.bottom))\" "
            + "stroke=\"\(stroke)\" stroke-dasharray=\"2 3\" stroke-width=\"1.4\">\(label)</line>"
    }

    /// Legend entries top-right inside the plot area, one per series, then one for the markers.
    private func legend() -> [String] {
        var entries = series.enumerated().map { (name: $1.name, color: color($0), dashed: $1.dashed) }
        if !markers.isEmpty { entries.append((name: markerLegend ?? markers[0].label, color: "#555", dashed: true)) }
        guard entries.count > 1 || !markers.isEmpty else { return [] }
        let x = width - margins.right - 170
        return entries.enumerated().flatMap { index, entry -> [String] in
            let y = margins.top + 14 + Double(index) * 16
            return ["<line x1=\"\(format(x))\" y1=\"\(format(y))\" x2=\"\(format(x + 18))\" y2=\"\(format(y))\" stroke=\"\(entry.color)\" stroke-width=\"2\""
                + (entry.dashed ? " stroke-dasharray=\"2 3\"" : "") + "/>",
                "<text class=\"legend\" x=\"\(format(x + 24))\" y=\"\(format(y))\" dominant-baseline=\"middle\">\(HTML.escape(entry.name))</text>"]
        }
    }

    /// About five round ticks (steps 1, 2 or 5 times a power of ten) inside `range`.
    public static func ticks(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let rough = span / Double(target)
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough * 0.999 } ?? 10 * power
        var ticks: [Double] = []
        var index = (range.lowerBound / step).rounded(.up)
        while index * step <= range.upperBound + step * 1e-9 {
            ticks.append(index * step)
            index += 1
        }
        return ticks
    }

    /// A tick label without float noise (`0.30000000000000004` -> `0.3`).
    static func label(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%g", rounded)
    }
}

/// One decimal, no trailing `.0` noise beyond it (`152` -> `152.0`).
func format(_ value: Double) -> String { String(format: "%.1f", value) }
