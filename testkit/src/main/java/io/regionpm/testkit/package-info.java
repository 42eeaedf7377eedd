/**
 * Test support shared by every module: {@link io.regionpm.testkit.ChildJvm} starts and
 * kills child JVMs on the test's class path, {@link io.regionpm.testkit.Seeds} prints and
 * replays random seeds, {@link io.regionpm.testkit.Stress} scales test sizes between the
 * default run and the {@code stress} profile. Depends on no other pcollections module.
 */
package io.regionpm.testkit;
