/// Rules for the Personkort and its action forms (appended to `WebStyles.css` when served).
enum PersonStyles {
    static let css: StaticString = """
        .person-of{font-size:1.05rem;margin:.2rem 0 1rem}
        .overview dl.facts{max-width:48rem}.source{color:#3a4a5a;font-size:.9rem}
        article.measure,article.episode{border:1px solid #c9d3dd;border-radius:4px;padding:.6rem 1rem;margin:.8rem 0}
        article.measure h3,article.episode h3{margin-top:.2rem}
        h4{font-size:1rem;margin:.8rem 0 .2rem}
        .plan{white-space:pre-wrap;margin:.2rem 0;max-width:48rem}
        ul.plain{margin:.2rem 0;padding-left:1.2rem}
        ul.changes{margin:.1rem 0 0;padding-left:1.2rem;font-size:.95rem}
        .timeline ul.changes li{border-left:0;padding:0}
        .timeline .what{margin:0}.timeline .when{margin:0}
        .form-actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1.2rem 0}
        fieldset{border:1px solid #c9d3dd;border-radius:4px;margin:1rem 0;padding:.4rem 1rem;max-width:50rem}
        legend{font-weight:600;padding:0 .3rem}
        .grid2 .field{max-width:none}
        .removal{font-weight:600}
        @media (max-width:40rem){.source{display:block}dl.facts dd{overflow-wrap:anywhere}}
        """
}
