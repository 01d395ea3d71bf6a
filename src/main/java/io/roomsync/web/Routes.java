package io.roomsync.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.roomsync.tenant.Role;
import java.util.Arrays;

/**
 * Registers routes. Page routes are plain; API routes also enter the OpenAPI document, so every API route is
 * documented by construction (and a test checks that no API route bypasses this).
 */
public final class Routes {
    private final RoutesConfig config;
    private final OpenApi openApi;

    Routes(RoutesConfig config, OpenApi openApi) {
        this.config = config;
        this.openApi = openApi;
    }

    public void get(String path, Handler handler, Role... roles) {
        config.get(path, handler, roles);
    }

    public void post(String path, Handler handler, Role... roles) {
        config.post(path, handler, roles);
    }

    public void apiGet(String path, OpenApi.Operation op, Handler handler, Role... roles) {
        openApi.add("get", path, op, isPublic(roles));
        config.get(path, handler, roles);
    }

    public void apiPost(String path, OpenApi.Operation op, Handler handler, Role... roles) {
        openApi.add("post", path, op, isPublic(roles));
        config.post(path, handler, roles);
    }

    public void apiPut(String path, OpenApi.Operation op, Handler handler, Role... roles) {
        openApi.add("put", path, op, isPublic(roles));
        config.put(path, handler, roles);
    }

    public void apiPatch(String path, OpenApi.Operation op, Handler handler, Role... roles) {
        openApi.add("patch", path, op, isPublic(roles));
        config.patch(path, handler, roles);
    }

    public void apiDelete(String path, OpenApi.Operation op, Handler handler, Role... roles) {
        openApi.add("delete", path, op, isPublic(roles));
        config.delete(path, handler, roles);
    }

    private static boolean isPublic(Role[] roles) {
        return Arrays.asList(roles).contains(Role.PUBLIC);
    }
}
