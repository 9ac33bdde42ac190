Feature: Lockout and recovery
  A user who lost their device, or who is locked out by wrong codes, asks the
  account holder to reset their MFA; an account holder asks vendor support.
  After a reset the user is prompted again only if the practice still
  requires MFA.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic
    And Erin has set up MFA with her phone

  Rule: Wrong codes are limited
    How many wrong codes in a row lock code entry is the system's declared
    position (lockout_after; the reference: 5), and so is whether waiting
    unlocks it (lockout_wait_minutes; the reference: never). Which answer
    announces the lock the how-to does not say: the wrong code that locks, or
    the next attempt; either passes, but then even the right code is refused.

    @SGN-06 @inferred @position:lockout_after
    Example: As many wrong codes in a row as lock code entry lock Erin's code entry
      When Erin signs in and enters as many wrong codes in a row as lock code entry
      Then Erin is told that her code entry is locked
      And Erin cannot sign in even with the code her phone shows

    @SGN-06 @inferred @position:lockout_after
    Example: One wrong code fewer leaves code entry open
      When Erin signs in and enters one wrong code fewer in a row than lock code entry
      And Erin enters the code her phone shows
      Then Erin is signed in

    @SGN-06 @needs-clock @inferred @position:lockout_after @position:lockout_wait_minutes=0
    Example: Waiting does not unlock code entry
      Given Erin signs in and enters as many wrong codes in a row as lock code entry
      When 25 hours pass
      Then Erin cannot sign in even with the code her phone shows

    @SGN-06 @needs-clock @inferred @position:lockout_after @position:lockout_wait_minutes!=0
    Example: Code entry unlocks once the lockout's waiting time has passed
      Given Erin signs in and enters as many wrong codes in a row as lock code entry
      When the lockout's waiting time but one minute passes
      Then Erin cannot sign in even with the code her phone shows
      When one more minute passes
      And Erin signs in with her password
      And Erin enters the code her phone shows
      Then Erin is signed in

    @SGN-06 @needs-clock @inferred @position:lockout_after @position:lockout_wait_minutes!=0
    Example: After the waiting time as many wrong codes lock code entry again
      Given Erin signs in and enters as many wrong codes in a row as lock code entry
      When the lockout's waiting time passes
      And Erin signs in and enters as many wrong codes in a row as lock code entry
      Then Erin is told that her code entry is locked

    @SGN-06 @inferred @position:lockout_after
    Example: A right code resets the count of wrong codes
      When Erin signs in and enters one wrong code fewer in a row than lock code entry
      And Erin enters the code her phone shows
      And Erin signs out
      And Erin signs in and enters one wrong code fewer in a row than lock code entry
      And Erin enters the code her phone shows
      Then Erin is signed in

    @SGN-06 @REC-01 @documented @inferred @position:lockout_after
    Example: The account holder's reset unlocks a locked-out user
      Given Erin signs in and enters as many wrong codes in a row as lock code entry
      When Dana resets Erin's MFA
      And Erin signs in with her password
      Then Erin is signed in

  Rule: A lost device is recovered by a reset from the account holder

    @REC-01 @REC-02 @documented
    Example: Erin loses her phone while MFA is enforced
      Given Riverside Clinic enforces MFA for all users
      And Erin has lost her phone
      When Dana resets Erin's MFA
      And Erin signs in with her password
      Then Erin is asked to set up MFA before she can continue
      When Erin scans the QR code with her new phone
      And she saves the device as "Erin's new phone" with the code her phone shows
      Then Erin is signed in
      And Erin's MFA status in User Settings is enrolled with "Erin's new phone"

    @REC-03 @documented
    Example: After a reset without enforcement Erin signs in directly
      Given Erin has lost her phone
      When Dana resets Erin's MFA
      And Erin signs in with her password
      Then Erin is signed in

    @REC-04 @ENR-04 @documented
    Example: Erin sets up MFA again through the usual steps after a reset
      Given Dana resets Erin's MFA
      And Erin has signed in
      And Erin has opened the authenticator setup
      When Erin scans the QR code with her new phone
      And she saves the device as "Erin's new phone" with the code her phone shows
      Then Erin's own MFA status shows the device "Erin's new phone"

    @MGT-05 @REC-02 @documented
    Example: Codes from the old device stop working after a reset
      Given Riverside Clinic enforces MFA for all users
      And Dana resets Erin's MFA
      And Erin signs in with her password
      And Erin scans the QR code with her new phone
      And she saves the device as "Erin's new phone" with the code her phone shows
      And Erin signs out
      When Erin signs in with her password
      And Erin enters the code her old phone shows
      Then the code is refused

    @REC-20 @interpreted @position:reset_sessions=ended
    Example: A reset ends the user's open sessions
      Given Erin has signed in
      When Dana resets Erin's MFA
      Then Erin's session has ended

    @REC-20 @interpreted @position:reset_sessions=kept
    Example: After a reset the user's open session goes on
      Given Erin has signed in
      When Dana resets Erin's MFA
      Then Erin can still use the product
      And Erin's MFA status in User Settings is not enrolled

  Rule: Vendor support resets an account holder

    @REC-05 @needs-support-console @documented
    Example: Dana loses her phone and vendor support resets her MFA
      Given Riverside Clinic enforces MFA for all users
      And Dana has set up MFA with her phone
      And Dana has lost her phone
      When vendor support resets Dana's MFA
      And Dana signs in with her password
      Then Dana is asked to set up MFA before she can continue

    @REC-05 @SGN-06 @needs-support-console @documented @inferred @position:lockout_after
    Example: Vendor support unlocks a locked-out account holder
      Given Dana has set up MFA with her phone
      And Dana signs in and enters as many wrong codes in a row as lock code entry
      When vendor support resets Dana's MFA
      And Dana signs in with her password
      Then Dana is signed in
