//! Calls to PostgreSQL that return when done: the connections' sockets are driven by one I/O
//! thread, and each call is waited on by its caller (`Conn`, `Tx`).

use std::sync::OnceLock;

use futures_util::pin_mut;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Row, Statement, ToStatement, Transaction};

use crate::error::StoreError;

/// The runtime that drives every connection's socket (one thread, never dropped). Queries
/// themselves are waited on by the calling thread ([`wait`]): the store is called from plain
/// threads and from the service's async tasks alike, and a client that ran its own runtime per
/// call would panic in the latter.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("vigia-postgres")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start the PostgreSQL I/O thread: {e}"))
    })
}

/// Run a query's future to its end on this thread. A client's requests only travel through
/// channels to its connection (driven by [`runtime`]): no runtime is needed here.
fn wait<T>(future: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(future)
}

/// A connection to `url` (shown as `name`), its socket driven by [`runtime`].
pub(super) fn open(url: &str, name: &str) -> Result<Conn, StoreError> {
    let (reply, answer) = std::sync::mpsc::channel();
    let address = url.to_string();
    runtime().spawn(async move {
        match tokio_postgres::connect(&address, NoTls).await {
            Ok((client, connection)) => {
                let _ = reply.send(Ok(client));
                // Drives the socket until the client is dropped.
                let _ = connection.await;
            }
            Err(e) => {
                let _ = reply.send(Err(e));
            }
        }
    });
    let client = answer
        .recv()
        .unwrap_or_else(|_| panic!("the PostgreSQL I/O thread stopped"))
        .map_err(|source| StoreError::PgOpen {
            url: name.to_string(),
            source,
        })?;
    Ok(Conn(client))
}

/// Parameters of a statement.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A client whose calls return when done (each waited on with [`wait`]).
pub(super) struct Conn(pub(super) Client);

impl Conn {
    pub(super) fn batch_execute(&self, query: &str) -> Result<(), tokio_postgres::Error> {
        wait(self.0.batch_execute(query))
    }
    pub(super) fn query(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        wait(self.0.query(query, params))
    }
    pub(super) fn query_one(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<Row, tokio_postgres::Error> {
        wait(self.0.query_one(query, params))
    }
    pub(super) fn query_opt(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, tokio_postgres::Error> {
        wait(self.0.query_opt(query, params))
    }
    pub(super) fn execute(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<u64, tokio_postgres::Error> {
        wait(self.0.execute(query, params))
    }
    pub(super) fn transaction(&mut self) -> Result<Tx<'_>, tokio_postgres::Error> {
        wait(self.0.transaction()).map(Tx)
    }
}

/// A transaction whose calls return when done.
pub(super) struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    pub(super) fn batch_execute(&self, query: &str) -> Result<(), tokio_postgres::Error> {
        wait(self.0.batch_execute(query))
    }
    pub(super) fn query(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        wait(self.0.query(query, params))
    }
    pub(super) fn query_one<T: ?Sized + ToStatement>(
        &self,
        statement: &T,
        params: Params<'_>,
    ) -> Result<Row, tokio_postgres::Error> {
        wait(self.0.query_one(statement, params))
    }
    pub(super) fn execute(
        &self,
        query: &str,
        params: Params<'_>,
    ) -> Result<u64, tokio_postgres::Error> {
        wait(self.0.execute(query, params))
    }
    pub(super) fn prepare(&self, query: &str) -> Result<Statement, tokio_postgres::Error> {
        wait(self.0.prepare(query))
    }
    pub(super) fn commit(self) -> Result<(), tokio_postgres::Error> {
        wait(self.0.commit())
    }
    /// `statement` once per parameter list, all sent before the first answer is awaited (one
    /// round trip for the lot, not one each); each answer's rows, in order.
    pub(super) fn pipeline<'r>(
        &self,
        statement: &Statement,
        params: impl Iterator<Item = Vec<&'r (dyn ToSql + Sync)>>,
    ) -> Result<Vec<Option<Row>>, tokio_postgres::Error> {
        let params: Vec<_> = params.collect();
        wait(futures_util::future::try_join_all(
            params.iter().map(|p| self.0.query_opt(statement, p)),
        ))
    }

    /// `COPY … FROM STDIN BINARY` of `rows`, each with `types`.
    pub(super) fn copy_in<'r>(
        &self,
        query: &str,
        types: &[Type],
        rows: impl Iterator<Item = Vec<&'r (dyn ToSql + Sync)>>,
    ) -> Result<u64, tokio_postgres::Error> {
        wait(async {
            let sink = self.0.copy_in(query).await?;
            let writer = BinaryCopyInWriter::new(sink, types);
            pin_mut!(writer);
            for row in rows {
                writer.as_mut().write(&row).await?;
            }
            writer.finish().await
        })
    }
}
