/// Rules for Ungdomar, search, Personal and Logg (appended to `WebStyles.css` when served).
enum PeopleStyles {
    static let css: StaticString = """
        table.people .tag{display:inline-block;background:#7a1f1f;color:#fff;font-size:.8rem;font-weight:600;padding:0 .35rem;border-radius:3px}
        .search form{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.search .field{flex:1 1 16rem;max-width:28rem}
        .search button{margin-bottom:.8rem}
        .count{font-weight:600}
        table.log td{vertical-align:top}table.log td.when{white-space:nowrap}table.log code{font-size:.85rem}
        table.log form{display:flex;flex-wrap:wrap;gap:.3rem;align-items:flex-end;margin:.3rem 0 0}
        table.log .field{margin:0}table.log .field label{font-weight:400;font-size:.85rem}table.log .field input{width:12rem;max-width:100%}
        dl.credentials code.secret{font-size:1.15rem;word-break:break-all;background:#f1f4f7;padding:.1rem .3rem}
        section.episode{border-top:1px solid #c9d3dd;margin-top:1rem}
        @media (max-width:40rem){table.stack td.num{text-align:left}.search .field{max-width:none}}
        """
}
