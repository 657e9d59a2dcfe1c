// A Go crypto/tls resumption peer (standard library only), built by
// test/interop/sessions-gnutls-go.test.ts into a temporary directory.
//
//	client: -port P -ca FILE -max 1.2|1.3: two connections sharing an LRU
//	        session cache; each sends "ping\n" and reads the echo.
//	server: -cert FILE -key FILE -max ...: prints "PORT n", accepts two
//	        connections and echoes one line on each.
//
// The last stdout line is JSON: DidResume of each connection.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	role := flag.String("role", "client", "client or server")
	port := flag.Int("port", 0, "server port (client)")
	ca := flag.String("ca", "", "CA file (client)")
	cert := flag.String("cert", "", "certificate chain (server)")
	key := flag.String("key", "", "key (server)")
	max := flag.String("max", "1.3", "highest version")
	flag.Parse()
	version := uint16(tls.VersionTLS13)
	if *max == "1.2" {
		version = tls.VersionTLS12
	}
	var resumed []bool
	if *role == "client" {
		pem, err := os.ReadFile(*ca)
		check(err)
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: version, ClientSessionCache: tls.NewLRUClientSessionCache(8)}
		for i := 0; i < 2; i++ {
			c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", *port), cfg)
			check(err)
			_, err = c.Write([]byte("ping\n"))
			check(err)
			_, err = bufio.NewReader(c).ReadString('\n')
			check(err)
			resumed = append(resumed, c.ConnectionState().DidResume)
			c.Close()
		}
	} else {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		check(err)
		cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MaxVersion: version}
		l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
		check(err)
		fmt.Printf("PORT %d\n", l.Addr().(*net.TCPAddr).Port)
		for i := 0; i < 2; i++ {
			raw, err := l.Accept()
			check(err)
			c := raw.(*tls.Conn)
			line, err := bufio.NewReader(c).ReadString('\n')
			check(err)
			_, err = c.Write([]byte(line))
			check(err)
			resumed = append(resumed, c.ConnectionState().DidResume)
			c.Close()
		}
	}
	out, _ := json.Marshal(resumed)
	fmt.Println(string(out))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
