import KAAHTML
import KAAHTTP

/// The Swedish pages a browser gets where there is no dashboard page: a path that does not exist
/// (`/favicon.ico`, a mistyped address) or a refused request. JSON is for `/v1`.
enum BrowserPage {
    /// 404 for a path outside the API (the path itself is not repeated on the page).
    static func notFound(path: String) -> HTTPResponse {
        page(404, title: "Sidan finns inte", text: "Det finns ingen sida på den här adressen.")
    }

    /// A refused request, said in Swedish by its status.
    static func refusal(status: Int) -> HTTPResponse {
        switch status {
        case 400: return page(status, title: "Felaktig adress", text: "Adressen innehåller en parameter som inte finns eller som anges mer än en gång.")
        case 404: return notFound(path: "")
        case 405: return page(status, title: "Metoden stöds inte", text: "Sidan kan bara hämtas (GET eller HEAD).")
        case 414: return page(status, title: "Adressen är för lång", text: "Adressen är längre än servern tar emot.")
        case 503: return page(status, title: "Försök igen om en stund", text: "Servern är upptagen just nu.")
        default: return page(status, title: "Något gick fel", text: "Servern kunde inte svara på frågan.")
        }
    }

    private static func page(_ status: Int, title: String, text: String) -> HTTPResponse {
        let document = Layout.page(title: "\(title) – KAA",
                                   .main([], .h1([], .text(title)), .p([], .text(text)), .p([], .a([.href("/")], "Till regionens siffror"))))
        var response = HTTPResponse.text(status, document.renderDocument(), contentType: "text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
