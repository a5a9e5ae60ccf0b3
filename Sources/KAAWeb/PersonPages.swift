/// The Personkort (`/personer/{id}`) and the actions on a person (filled in by the person pages' work).
enum PersonPages {
    static let routes: [Route] = []
}
