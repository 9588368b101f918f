//! The accept loop. `axum::serve` sets no timeouts, so a client that sends
//! its headers a byte at a time, or opens connections and sends nothing,
//! would hold them for ever. Here hyper's header-read timeout closes both
//! (it also runs while a kept-alive connection waits for its next request);
//! request bodies have their own timeout in the router. Responses, event
//! streams included, are never cut short.

use std::{future::Future, net::SocketAddr, time::Duration};

use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long shutdown waits for requests under way before it stops anyway.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `signal`, then lets requests under way finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // HTTP/1.1 only: TLS and HTTP/2 end at the load balancer in front. (hyper's
    // auto-detecting builder also waits, untimed, for a silent client's first bytes.)
    let mut builder = http1::Builder::new();
    // half_close: a request that arrived whole is handled to the end even if
    // the client hangs up before the reply, so its work is done once, now,
    // and its retry is answered "already received".
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).half_close(true);
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, usually: wait rather than spin.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(with_peer(router.clone(), peer));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_LIMIT, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still under way after {}s; stopping anyway", DRAIN_LIMIT.as_secs());
    }
    Ok(())
}

/// The router with the peer's address in each request, as `ConnectInfo`.
fn with_peer(
    router: Router,
    peer: SocketAddr,
) -> impl tower::Service<hyper::Request<Incoming>, Response = axum::response::Response, Error = std::convert::Infallible, Future = impl Send>
       + Clone {
    router.map_request(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(axum::body::Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    })
}
