//! HTML text helpers: escaping and small table builders. Every piece of text that comes from a
//! file (image ids, class names, config values, directory names) goes through ``HTML/escape(_:)``.

/// Escaping and element helpers for the report page.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'` so the text is safe in element content and in quoted
    /// attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A table with a header row; cells are already HTML (escape text before passing it).
    static func table(header: [String], rows: [[String]], className: String = "data") -> String {
        var lines = ["<table class=\"\(className)\">", "<thead><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr></thead>", "<tbody>"]
        lines += rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        lines.append("</tbody></table>")
        return lines.joined(separator: "\n")
    }

    /// A number with `digits` decimals, or an en dash when absent.
    static func number(_ value: Double?, digits: Int = 1) -> String {
        guard let value, value.isFinite else { return "&ndash;" }
        return String(format: "%.\(digits)f", value)
    }

    /// The page's style sheet: system fonts, a readable measure, tables and figure grids.
    static let styleSheet = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #dde1e8; --accent: #0072B2; --paper: #fbfbfd; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--paper); color: var(--ink);
               font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header.page { background: #1d2330; color: #fff; padding: 28px 40px 22px; }
        header.page h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; letter-spacing: -0.01em; }
        header.page p { margin: 0; color: #c4cad6; }
        nav { padding: 10px 40px; border-bottom: 1px solid var(--line); background: #fff; position: sticky; top: 0; }
        nav a { color: var(--accent); text-decoration: none; margin-right: 18px; font-size: 14px; }
        main { max-width: 1180px; margin: 0 auto; padding: 8px 40px 60px; }
        section { margin-top: 36px; }
        h2 { font-size: 20px; font-weight: 600; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
        h3 { font-size: 16px; font-weight: 600; margin: 22px 0 8px; }
        p.note { color: var(--muted); font-size: 13.5px; max-width: 760px; }
        table.data { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 14px; margin: 8px 0 16px; }
        table.data th, table.data td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: right; }
        table.data th:first-child, table.data td:first-child { text-align: left; }
        table.data thead th { background: #eef1f6; font-weight: 600; }
        table.data tr.group td { background: #f5f6f9; color: var(--muted); font-size: 12.5px; text-transform: uppercase;
                                 letter-spacing: 0.04em; text-align: left; }
        .plots { display: flex; flex-wrap: wrap; gap: 18px; }
        svg.plot { background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        svg.plot .grid { stroke: #edf0f4; } svg.plot .frame { stroke: #aab1bd; }
        svg.plot text { font-size: 11px; fill: var(--muted); } svg.plot .plot-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
        svg.plot .axis-label { font-size: 12px; fill: var(--ink); } svg.plot .legend { font-size: 11.5px; fill: var(--ink); }
        .grid-images { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
        figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
        figure img { width: 100%; height: auto; display: block; image-rendering: auto; border-radius: 3px; }
        figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; word-break: break-all; }
        figcaption b { color: var(--ink); font-variant-numeric: tabular-nums; }
        table.compare td { vertical-align: top; } table.compare img { width: 150px; display: block; }
        details { margin: 4px 0 12px; } details summary { cursor: pointer; color: var(--accent); font-size: 14px; }
        .bar { display: inline-block; height: 8px; background: var(--accent); border-radius: 2px; vertical-align: middle; }
        footer { color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line); margin-top: 48px; padding-top: 12px; }
        """
}
