/// The UI's one stylesheet, served at `/static/kaa.css` (a file, so the CSP can forbid inline style).
/// Colours meet WCAG 2.1 AA contrast (4.5:1 for text); focus is always visible; the layout reflows
/// to one column at 375 px.
enum WebStyles {
    static let path = "/static/kaa.css"

    /// The file served: the base rules, then each page family's own (one constant per file, so
    /// pages can grow their rules without touching each other's).
    static let served: [UInt8] = Array((css.description + PersonStyles.css.description + PeopleStyles.css.description + YearStyles.css).utf8)

    static let css: StaticString = """
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5;font-size:1rem}
        .skip{position:absolute;left:-999px;top:0;background:#fff;color:#0b3d62;padding:.5rem 1rem;z-index:10}
        .skip:focus{left:0}
        header.app{background:#0b3d62;color:#fff;padding:.5rem 1.5rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 2rem}
        header.app a{color:#fff}.brand{margin:0;font-size:1.1rem}
        header.app nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1.2rem;flex-wrap:wrap}
        header.app nav a{text-decoration:none;font-weight:600;padding:.2rem 0;border-bottom:3px solid transparent}
        header.app nav a[aria-current=page]{border-bottom-color:#f2b705}
        .who{margin-left:auto;display:flex;align-items:center;gap:.8rem;flex-wrap:wrap}.who form{margin:0}
        .who button{background:#fff;color:#0b3d62;border:2px solid #fff;border-radius:4px;font-weight:600;padding:.2rem .7rem;font-size:.95rem}
        main{padding:1rem 1.5rem 3rem;max-width:90rem}
        h1{margin:.6rem 0 1rem;font-size:1.7rem}h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:2px solid #0b3d62}
        h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
        a{color:#0b4f8a}
        a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,main:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
        main:focus{outline:none}
        table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:600;padding:.4rem 0}
        th,td{border-bottom:1px solid #c9d3dd;padding:.4rem .6rem;text-align:left;vertical-align:top}
        thead th{background:#0b3d62;color:#fff}thead th a{color:#fff}
        td.num,th.num{text-align:right}
        .scroll{overflow-x:auto}
        .field{margin:.7rem 0;max-width:32rem}.field label{display:block;font-weight:600}
        .field input,.field select,.field textarea{width:100%;font-size:1rem;padding:.4rem .5rem;border:1px solid #5a6b7b;border-radius:4px;background:#fff;color:#1b1b1b}
        .field textarea{min-height:5rem}
        .field.check{display:flex;align-items:center;gap:.5rem}.field.check input{width:auto;margin:0}.field.check label{font-weight:400}
        .field.invalid input,.field.invalid select,.field.invalid textarea{border:2px solid #a4161a}
        .hint{margin:.1rem 0;font-size:.9rem;color:#3a4a5a}.error{margin:.1rem 0;color:#a4161a;font-weight:600}
        button{font-size:1rem;padding:.45rem 1rem;border-radius:4px;border:2px solid #0b3d62;background:#fff;color:#0b3d62;font-weight:600;cursor:pointer}
        button.primary{background:#0b3d62;color:#fff}button.danger{background:#a4161a;border-color:#a4161a;color:#fff}
        .message{padding:.6rem 1rem;margin:1rem 0;border-left:5px solid #0b3d62;background:#eef3f8}
        .message.ok{border-color:#1d6b2f;background:#e9f5ec}.message.error{border-color:#a4161a;background:#fbeaea}
        .message.protected{border-color:#8a3b00;background:#fff4e5}
        .counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem;padding:0;list-style:none}
        .counts li{border:1px solid #c9d3dd;border-radius:4px;padding:.5rem .8rem}.counts a{font-weight:600}.counts .n{font-size:1.5rem;font-weight:700;display:block}
        .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 2rem}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
        .filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters .field{min-width:11rem;max-width:16rem}
        .pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:0;list-style:none}
        .timeline{list-style:none;padding:0}.timeline li{border-left:3px solid #0b3d62;padding:.2rem 0 .6rem .8rem}
        .timeline .when{font-size:.9rem;color:#3a4a5a}
        .login{max-width:26rem;margin:2rem auto}
        .login a.button{display:block;text-align:center;font-size:1.05rem;padding:.7rem 1rem;border-radius:4px;background:#0b3d62;color:#fff;font-weight:600;text-decoration:none}
        .login a.button:hover{background:#082c47}.login .idp h2{margin-top:2rem}
        .muted{color:#3a4a5a}
        @media (max-width:40rem){main{padding:.8rem .8rem 2rem}header.app{padding:.5rem .8rem}.who{margin-left:0}
          table.stack thead{position:absolute;left:-999px}table.stack tr{display:block;border-bottom:2px solid #c9d3dd;padding:.3rem 0}
          table.stack td,table.stack th{display:block;border:0;padding:.1rem .3rem}
          table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
        """
}
