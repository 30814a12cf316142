// Command etcd runs etcd's own main; built here so the e2e tests need no
// prebuilt download.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
