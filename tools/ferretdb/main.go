// Command ferretdb-embedded runs FerretDB 1.x in-process (through its Go package) so the project
// has a MongoDB-compatible database on machines where MongoDB itself cannot be installed.
//
// It stores in SQLite files under -dir (kept across restarts) or, with -postgresql-url, in PostgreSQL.
// When it is listening it prints one line, "ready <mongodb uri>", on standard output; it stops
// cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on; port 0 picks a free one")
	dir := flag.String("dir", "data/ferretdb", "folder for the SQLite files")
	fresh := flag.Bool("fresh", false, "delete the data folder before starting")
	pgURL := flag.String("postgresql-url", "", "store in PostgreSQL at this URL instead of SQLite")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))

	conf := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}}
	if *pgURL != "" {
		conf.Handler = "postgresql"
		conf.PostgreSQLURL = *pgURL
	} else {
		abs, err := filepath.Abs(*dir)
		if err != nil {
			fail("bad -dir: %v", err)
		}
		if *fresh {
			if err := os.RemoveAll(abs); err != nil {
				fail("cannot clear %s: %v", abs, err)
			}
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			fail("cannot create %s: %v", abs, err)
		}
		conf.Handler = "sqlite"
		conf.SQLiteURL = "file:" + abs + "/"
	}

	f, err := ferretdb.New(conf)
	if err != nil {
		fail("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until the listener is bound, so the printed port is the real one.
	fmt.Printf("ready %s\n", f.MongoDBURI())

	if err := <-done; err != nil && ctx.Err() == nil {
		fail("FerretDB stopped: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-embedded: "+format+"\n", args...)
	os.Exit(1)
}
