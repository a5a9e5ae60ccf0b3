/// Ungdomar (`/personer`), search (`POST /sok`), the export, Personal (`/personal`) and Logg (`/logg`).
enum PeoplePages {
    static let routes: [Route] = PeoplePage.routes + StaffPage.routes + LogPage.routes
}
