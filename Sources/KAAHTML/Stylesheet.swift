/// The one stylesheet of every KAA page: the hub's dashboard and the kommun's period report.
///
/// Inline in each page because the pages have no external assets (a report is a single file sent
/// by e-mail; the dashboard works offline); one constant so the two keep one look.
public enum Stylesheet {
    /// The CSS text: a literal, which is what lets it go through `Node.raw` unescaped.
    public static let css: StaticString = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
        header{background:#0b3d62;color:#fff;padding:1rem 2rem}header a{color:#fff}h1{margin:.2rem 0 .6rem;font-size:1.7rem}
        main{padding:1rem 2rem;max-width:70rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #0b3d62}
        .crumb{margin:0;font-size:.95rem}form{margin:.3rem 0}select,button{font-size:1rem;padding:.25rem .5rem}
        button{background:#fff;color:#0b3d62;border:2px solid #fff;border-radius:4px;font-weight:600}
        a{color:#0b4f8a}a:focus,button:focus,select:focus{outline:3px solid #f2b705;outline-offset:2px}
        .status{background:#eef3f8;border-left:5px solid #0b3d62;padding:.6rem 1rem}.prelim{color:#8a3b00}
        .missing{color:#8a3b00}table{border-collapse:collapse;min-width:100%}caption{text-align:left;font-weight:600;padding:.4rem 0}
        th,td{border-bottom:1px solid #c9d3dd;padding:.35rem .6rem;text-align:right}th[scope=row],th[scope=rowgroup],th[scope=col]:first-child{text-align:left}tr.group th{padding-top:.9rem;background:#eef2f6}table.prose th,table.prose td{text-align:left;vertical-align:top}
        thead th{background:#0b3d62;color:#fff}tfoot th,tfoot td{font-weight:700;border-top:2px solid #0b3d62}
        .scroll{overflow-x:auto}.chart{max-width:100%;height:auto}.grid{stroke:#d5dde5;stroke-width:1}
        .axis,.label,.value{font-size:12px;fill:#1b1b1b}.bar{fill:#0b5f9e}.bar.region{fill:#8a3b00}.bar.previous{fill:#9aa9b7}
        .line{fill:none;stroke:#0b5f9e;stroke-width:3}.dot{fill:#0b5f9e}figcaption{font-size:.9rem;color:#3a3a3a}
        .keys{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(13rem,45%),1fr));gap:.6rem}.keys div{border:1px solid #c9d3dd;padding:.5rem}
        dt{font-size:.9rem}dd{margin:0;font-size:1.5rem;font-weight:700}
        .report{max-width:52rem;margin:2rem auto;padding:0 1rem}.report h1{font-size:2rem;margin:.67em 0}
        .report h2{font-size:1.5rem;margin:.83em 0;border-bottom:0}.report th,.report td{padding:.3rem .6rem}
        .compare{font-size:13px}.compare .small{font-size:11px}
        main.dash{max-width:none}.dash .cols{display:grid;grid-template-columns:minmax(0,1fr);gap:0 3rem;align-items:start}
        @media (min-width:64rem){.dash .cols{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
        .dash .wide{grid-column:1/-1}.dash table{border-collapse:separate;border-spacing:0}.dash th[scope=row]{position:sticky;left:0;background:#fff}.dash thead th:first-child{position:sticky;left:0}
        .dash figure{margin:0}.dchart{width:100%;max-width:48rem}.dchart text{font-size:16px}.dchart .year{font-weight:700}.legend{font-size:.85rem;color:#3a3a3a;margin:.3rem 0 1rem}
        .line.region{stroke:#8a3b00;stroke-dasharray:7 4}.dot.region{fill:#8a3b00}
        @media (min-width:48rem){.dchart text{font-size:13px}}@media (min-width:100rem){.dchart text{font-size:11px}}
        @media (max-width:40rem){header.dash,main.dash{padding-left:1rem;padding-right:1rem}header.dash h1{font-size:1.35rem}.dash th,.dash td{padding:.3rem .4rem}.dash table{font-size:.9rem}}
        .key span{display:inline-block;width:1rem;height:.8rem;margin:0 .3rem 0 1rem}.key .current{background:#0b5f9e}.key .previous{background:#9aa9b7}
        """

    /// The `<style>` element for a page's head.
    public static let element = Node.element("style", [], [.raw(css)])
}
