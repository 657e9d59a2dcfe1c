package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
)

// go_pq_peer: a Go crypto/tls peer that reports the negotiated group.
//   server PORTFILE CERT KEY   -> listens on 127.0.0.1:0, writes the port, serves one connection
//   client PORT CAFILE GROUPS  -> connects (GROUPS: "default" or "hybrid" or "x25519")
func curves(s string) []tls.CurveID {
	switch s {
	case "hybrid":
		return []tls.CurveID{tls.X25519MLKEM768}
	case "x25519":
		return []tls.CurveID{tls.X25519}
	}
	return nil
}

func report(c *tls.Conn) {
	st := c.ConnectionState()
	fmt.Printf("version=%x group=%s\n", st.Version, st.CurveID)
}

func main() {
	switch os.Args[1] {
	case "server":
		cert, err := tls.LoadX509KeyPair(os.Args[3], os.Args[4])
		if err != nil { panic(err) }
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: curves(os.Args[5])}
		ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
		if err != nil { panic(err) }
		os.WriteFile(os.Args[2], []byte(fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)), 0o644)
		conn, err := ln.Accept()
		if err != nil { panic(err) }
		c := conn.(*tls.Conn)
		if err := c.Handshake(); err != nil { fmt.Println("error", err); os.Exit(1) }
		report(c)
		buf := make([]byte, 5)
		io.ReadFull(c, buf)
		c.Write(buf)
		c.Close()
	case "client":
		pem, _ := os.ReadFile(os.Args[3])
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: curves(os.Args[4])}
		c, err := tls.Dial("tcp", "127.0.0.1:"+os.Args[2], cfg)
		if err != nil { fmt.Println("error", err); os.Exit(1) }
		report(c)
		c.Write([]byte("hello"))
		buf := make([]byte, 5)
		io.ReadFull(c, buf)
		fmt.Printf("echo=%s\n", buf)
		c.Close()
	}
}
