//! What can go wrong with the database: [`StoreError`].

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file could not be opened or set up as a database.
    #[error("{path}: cannot open the database: {source}")]
    Open {
        /// The database file.
        path: String,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer vigia.
    #[error(
        "{path}: schema version {found} is newer than this vigia knows ({known}); upgrade vigia"
    )]
    NewerSchema {
        /// The database file.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
    /// PostgreSQL could not be reached or refused the login.
    #[error("{url}: cannot connect to PostgreSQL: {source}")]
    PgOpen {
        /// The address, without its password.
        url: String,
        /// Why.
        #[source]
        source: tokio_postgres::Error,
    },
    /// A PostgreSQL statement failed.
    #[error("database: {what}: {source}")]
    Postgres {
        /// What was being done.
        what: &'static str,
        /// The error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// A query or write failed.
    #[error("database: {what}: {source}")]
    Sql {
        /// What was being done.
        what: &'static str,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored event or flight document is not an event of the contract this build knows
    /// (the file was edited or damaged).
    #[error("database: {what} {id}: stored document is not a vigia event: {source}")]
    Document {
        /// `event` or `flight`.
        what: &'static str,
        /// Its id.
        id: String,
        /// The parser's reason.
        #[source]
        source: serde_json::Error,
    },
    /// A document could not be encoded as JSON.
    #[error("database: encoding {what}: {source}")]
    Encode {
        /// `event` or `flight`.
        what: &'static str,
        /// The encoder's reason.
        #[source]
        source: serde_json::Error,
    },
}

/// `.sql("what")` on rusqlite results.
pub(crate) trait SqlContext<T> {
    fn sql(self, what: &'static str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn sql(self, what: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sql { what, source })
    }
}
