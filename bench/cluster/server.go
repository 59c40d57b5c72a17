package main

// The cluster's PostgreSQL and Temporal server, each started as production runs them.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/bench/internal/harness"
)

// startPostgres makes a PostgreSQL cluster in dir/postgres (initdb; its superuser temporal,
// password temporal, over scram-sha-256 only), starts it on a free loopback port with its
// socket in that folder, and returns its address. As root, PostgreSQL runs as the postgres
// user, which may then traverse dir but not list it.
func startPostgres(ctx context.Context, procs *harness.Processes, dir, pgBin string) (string, error) {
	data := filepath.Join(dir, "postgres")
	if err := os.Mkdir(data, 0o700); err != nil {
		return "", err
	}
	pw := filepath.Join(data, "password")
	if err := os.WriteFile(pw, []byte("temporal\n"), 0o600); err != nil {
		return "", err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", fmt.Errorf("PostgreSQL does not run as root and there is no postgres user (apt-get install postgresql): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		for _, p := range []string{data, pw} {
			if err := os.Chown(p, uid, gid); err != nil {
				return "", err
			}
		}
		if err := os.Chmod(dir, 0o711); err != nil {
			return "", err
		}
	}
	as := func(binary string, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, filepath.Join(pgBin, binary), args...)
		cmd.Dir, cmd.SysProcAttr = data, &syscall.SysProcAttr{Credential: cred}
		return cmd
	}
	if out, err := as("initdb", "-D", filepath.Join(data, "data"), "-U", "temporal", "--pwfile", pw,
		"--auth", "scram-sha-256", "-E", "UTF8", "--no-instructions").CombinedOutput(); err != nil {
		return "", fmt.Errorf("initdb: %w\n%s", err, out)
	}
	ports, err := harness.FreePorts(1)
	if err != nil {
		return "", err
	}
	port := strconv.Itoa(ports[0])
	if err := procs.StartCmd(ctx, dir, "postgres", as("postgres", "-D", filepath.Join(data, "data"), "-p", port,
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+data, "-c", "max_connections=200")); err != nil {
		return "", err
	}
	if err := harness.Eventually(ctx, 30*time.Second, func() error {
		out, err := as("pg_isready", "-h", "127.0.0.1", "-p", port, "-U", "temporal").CombinedOutput()
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	}); err != nil {
		return "", fmt.Errorf("PostgreSQL did not start (see postgres.log): %w", err)
	}
	return "127.0.0.1:" + port, nil
}

// startTemporal makes Temporal's databases on pg (deploy/temporal/schema.sh), starts
// temporal-server with the configuration in the folder config on free ports (membership
// ports at most 32767), registers the namespace and returns the frontend's address once it
// serves the namespace.
func startTemporal(ctx context.Context, procs *harness.Processes, dir, config string, o options, pg string) (string, error) {
	host, port, _ := strings.Cut(pg, ":")
	schema := exec.CommandContext(ctx, filepath.Join(config, "schema.sh"), o.schema)
	sqlTool, err := filepath.Abs(o.sqlTool)
	if err != nil {
		return "", err
	}
	schema.Env = append(os.Environ(), "TEMPORAL_SQL_TOOL="+sqlTool, "SQL_HOST="+host, "SQL_PORT="+port,
		"SQL_USER=temporal", "SQL_PASSWORD=temporal")
	if out, err := schema.CombinedOutput(); err != nil {
		return "", fmt.Errorf("deploy/temporal/schema.sh: %w\n%s", err, out)
	}
	rpc, err := harness.FreePorts(5)
	if err != nil {
		return "", err
	}
	membership, err := harness.FreeLowPorts(4)
	if err != nil {
		return "", err
	}
	dynamic, err := filepath.Abs(filepath.Join(config, "dynamicconfig.yaml"))
	if err != nil {
		return "", err
	}
	env := []string{"TEMPORAL_POSTGRES_ADDR=" + pg, "TEMPORAL_POSTGRES_USER=temporal", "TEMPORAL_POSTGRES_PASSWORD=temporal",
		"TEMPORAL_DYNAMIC_CONFIG=" + dynamic}
	for i, svc := range []string{"FRONTEND", "HISTORY", "MATCHING", "WORKER"} {
		env = append(env, fmt.Sprintf("TEMPORAL_%s_PORT=%d", svc, rpc[i]), fmt.Sprintf("TEMPORAL_%s_MEMBERSHIP_PORT=%d", svc, membership[i]))
	}
	env = append(env, fmt.Sprintf("TEMPORAL_FRONTEND_HTTP_PORT=%d", rpc[4]))
	server := exec.CommandContext(ctx, o.server, "--root", "/", "--config", config, "--env", "postgres", "--allow-no-auth", "start")
	server.Env = append(os.Environ(), env...)
	if err := procs.StartCmd(ctx, dir, "temporal", server); err != nil {
		return "", err
	}
	frontend := fmt.Sprintf("127.0.0.1:%d", rpc[0])
	var nc client.NamespaceClient
	if err := harness.Eventually(ctx, 60*time.Second, func() (err error) {
		nc, err = client.NewNamespaceClient(harness.TemporalOptions(frontend, ""))
		return err
	}); err != nil {
		return "", fmt.Errorf("temporal-server did not start (see temporal.log): %w", err)
	}
	defer nc.Close()
	if err := nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)}); err != nil {
		return "", fmt.Errorf("registering namespace %s: %w", namespace, err)
	}
	tc, err := client.Dial(harness.TemporalOptions(frontend, namespace))
	if err != nil {
		return "", err
	}
	defer tc.Close()
	// The frontend learns of a new namespace at its next refresh of the namespace registry.
	if err := harness.Eventually(ctx, 60*time.Second, func() error {
		_, err := tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace})
		return err
	}); err != nil {
		return "", fmt.Errorf("namespace %s: %w", namespace, err)
	}
	return frontend, nil
}
